"""Build the development gold set (tests/gold/*.jsonl) from hand annotations.

    .venv/bin/python tests/gold/build_gold.py          # rewrite the .jsonl files
    .venv/bin/python tests/gold/build_gold.py --check  # exit 1 if they are out of date

The annotations are written as text, not offsets, so that a reader can check
them: each attribution names a context (a stretch of the document that occurs
exactly once) and, inside it, the claim fragments, the source and the cue
(each must occur once in the context, as whole words; "text#2" means its
second occurrence).
The script finds the offsets and writes JSON Lines in exactly the shape that
`manage.py pretag_jsonl` writes, so `manage.py evaluate_tagger` compares like
with like. The conventions followed are in docs/pretagging.md.

seed.jsonl: the seed article (seeds/000_02d45cab8d670c28.txt), all of it.
dev.jsonl: short news texts written for this set (no third-party text), one or
    more per construction the tagger handles; the rules were developed on them.
heldout.jsonl: longer texts in other news styles, written and annotated after
    the rules and scored blind once (docs/pretagging.md keeps those figures).
heldout2.jsonl: a second such batch (court, business, health, diplomacy, sport,
    analysis), written after the first had been used for tuning, also scored blind.
heldout3.jsonl: a third batch, written blind against the final tagger (1.1.0) to
    estimate how it does on text it was never tuned on.
nested.jsonl: short texts written for second-hand claims (issue #16, point 7): X said
    that Y claimed Z, one level and two deep; each inner attribution names its parent
    (`parent`, the number of the attribution whose claim holds it, as pretag_jsonl
    writes it). tests/pretag/test_gold_nested.py scores the tagger's parent links.
"""
from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]


@dataclass
class A:
    """One attribution: context, claim fragments, source, cue, attributes."""
    ctx: str
    claim: list[str]
    source: str | None = None
    cue: str | None = None
    quote: str = "indirect"                 # quote_type
    stype: str | None = None                # source_type
    extra: dict = field(default_factory=dict)
    parent: int | None = None               # the number (1, 2, ...) of its parent in the list


def _find(text: str, needle: str, lo: int = 0, hi: int | None = None) -> tuple[int, int]:
    hi = len(text) if hi is None else hi
    needle, explicit, nth = needle.partition("#")
    nth = int(nth or 1)
    hits, at = [], text.find(needle, lo, hi)
    while at != -1:
        # Whole words only: "he" is not the end of "The".
        end = at + len(needle)
        if not (needle[0].isalnum() and at > 0 and text[at - 1].isalnum()) and \
                not (needle[-1].isalnum() and end < len(text) and text[end].isalnum()):
            hits.append(at)
        at = text.find(needle, at + 1, hi)
    if not hits:
        raise ValueError(f"{needle!r} not found in {text[lo:hi][:80]!r}")
    if not explicit and len(hits) > 1:
        raise ValueError(f"{needle!r} occurs {len(hits)} times in {text[lo:hi][:80]!r}")
    return hits[nth - 1], hits[nth - 1] + len(needle)


def record(doc_id: str, text: str, attributions: list[A]) -> dict:
    spans: dict[tuple[str, int, int], str] = {}
    rows = []
    for number, attribution in enumerate(attributions, start=1):
        lo, hi = _find(text, attribution.ctx)
        claims = [("CLAIM", *_find(text, c, lo, hi)) for c in attribution.claim]
        source = ("SOURCE", *_find(text, attribution.source, lo, hi)) if attribution.source \
            else None
        cue = ("CUE", *_find(text, attribution.cue, lo, hi)) if attribution.cue else None
        for span in [*claims, source, cue]:
            if span:
                spans.setdefault(span, "")
        attributes = {"quote_type": attribution.quote}
        if attribution.stype:
            attributes["source_type"] = attribution.stype
        rows.append((number, claims, source, cue, attributes, attribution.parent))
    ordered = sorted(spans, key=lambda s: (s[1], s[2], ["CLAIM", "SOURCE", "CUE"].index(s[0])))
    ids = {span: f"T{i}" for i, span in enumerate(ordered, start=1)}
    out_spans = [{"id": ids[s], "start": s[1], "end": s[2], "label": s[0],
                  "text": text[s[1]:s[2]], "confidence": None} for s in ordered]
    relations = [{"source": ids[source] if source else None, "cue": ids[cue] if cue else None,
                  "claim": ids[claim], "attribution": number, "confidence": None,
                  "attributes": attributes, **({"parent": parent} if parent else {})}
                 for number, claims, source, cue, attributes, parent in rows
                 for claim in claims]
    return {"id": doc_id, "text": text, "spans": out_spans, "relations": relations}


# --- The seed article -------------------------------------------------------------------

SEED = [
    A("The Iranian leadership hopes that the Iraqi Parliament will ask US forces to leave Iraq.",
      ["the Iraqi Parliament will ask US forces to leave Iraq"], "The Iranian leadership",
      "hopes", stype="organisation"),
    A("The leader of the Iranian Revolution Sayyed Ali Khamenei told the Iranian National "
      "Security Council in its first meeting after the assassination of Soleimani that “it is "
      "important to make a strong, severe and clear response”",
      ["it is important to make a strong, severe and clear response"],
      "The leader of the Iranian Revolution Sayyed Ali Khamenei", "told", "direct",
      "named person"),
    A("Well-informed sources said, “Iran’s choices are various and objectives are not lacking "
      "in the region and abroad”",
      ["Iran’s choices are various and objectives are not lacking in the region and abroad"],
      "Well-informed sources", "said", "direct", "anonymous"),
    A("“Iran can sink a US ship with over 100 personnel onboard or kill a high-ranking US "
      "officer at the level of Soleimani. In both cases, the situation will escalate, and Iran "
      "should be ready for it”, said the source.",
      ["Iran can sink a US ship with over 100 personnel onboard or kill a high-ranking US "
       "officer at the level of Soleimani. In both cases, the situation will escalate, and "
       "Iran should be ready for it"], "the source", "said", "direct", "anonymous"),
    A("Washington has sent letters through the Swiss embassy\u00a0in Tehran indicating that "
      "“it is not interested in war or escalation”",
      ["it is not interested in war or escalation"], "Washington", "indicating", "direct",
      "organisation"),
    A("Iran responded that “all\u00a0negotiations are over with this administration; the "
      "assassination of Soleimani will be\u00a0punished”",
      ["all\u00a0negotiations are over with this administration; the assassination of "
       "Soleimani will be\u00a0punished"], "Iran", "responded", "direct", "organisation"),
    A("Iran considers that the US has declared war on the country, demanding",
      ["the US has declared war on the country"], "Iran", "considers", stype="organisation"),
    # The comments below the article.
    A("a man Supreme Leader Imam Khamenei considered a “living martyr”",
      ["living martyr"], "Supreme Leader Imam Khamenei", "considered", "direct",
      "named person"),
    A("Chairman Mao was quoted as saying “the death of a man can be as light as a feather, or "
      "as heavy as a mountain.”",
      ["the death of a man can be as light as a feather, or as heavy as a mountain."],
      "Chairman Mao", "was quoted as saying", "direct", "named person"),
    A("It was Soleimani who traveled to Russia to warn Putin/Shoigu/Lavrov that if Syria fell "
      "to the taqfiri scum, their Caucasus soft underbelly would be fair game.",
      ["if Syria fell to the taqfiri scum, their Caucasus soft underbelly would be fair game"],
      "Soleimani", "warn", stype="named person"),
    A("which he expected it could happen any minute", ["it could happen any minute"], "he",
      "expected", stype="named person"),
    A("I consider his assassination a failure of Iranian intelligence.",
      ["his assassination a failure of Iranian intelligence"], "I", "consider", stype="other"),
    A("“Humility make them haughty,” taught master strategist Sun Tzu",
      ["Humility make them haughty"], "master strategist Sun Tzu", "taught", "direct",
      "named person"),
    A("Trump clearly said no “regime change” or war against Iran is in the horizon, the US "
      "goal was to get rid of Soleimani.",
      ["no “regime change” or war against Iran is in the horizon, the US goal was to get rid "
       "of Soleimani"], "Trump", "said", stype="named person"),
    A("Instead of a “devastating response” as the Iranians are promising",
      ["devastating response"], "the Iranians", "are promising", "direct", "organisation"),
    A("But I think you miss something here.", ["you miss something here"], "I", "think",
      stype="other"),
    A("The US defense minister is on record that the US reserves the right to strike "
      "“preemptively” whenever they want and that Iran is solely responsible for whatever "
      "happens ANYWHERE in the region.",
      ["the US reserves the right to strike “preemptively” whenever they want and that Iran is "
       "solely responsible for whatever happens ANYWHERE in the region"],
      "The US defense minister", "is on record", stype="named person"),
    A("And as Espen has made clear, they will attack Iranian targets or even targets in Iran in "
      "such a case, assuming that Iran will be responsible no matter what.",
      ["they will attack Iranian targets or even targets in Iran in such a case, assuming that "
       "Iran will be responsible no matter what"], "Espen", "has made clear",
      stype="named person"),
    A("warhawks like Lindsey Graham are on record that they would like to bomb Iranian oil "
      "refineries.", ["they would like to bomb Iranian oil refineries"],
      "warhawks like Lindsey Graham", "are on record", stype="anonymous"),
    A("the war faction in Washington fears that the window of opportunity (for war with Iran) "
      "might close by November and that they want to get the war going while Trump is still "
      "president?",
      ["the window of opportunity (for war with Iran) might close by November and that they "
       "want to get the war going while Trump is still president"],
      "the war faction in Washington", "fears", stype="organisation"),
    A("I don’t think that Trump wants that but", ["Trump wants that"], "I", "don’t think",
      stype="other"),
    A("And then, Trump has always done Bibi’s bidding and is on record stating that US foreign "
      "policy in the region is guided by Israel’s interests first and foremost, not America’s.",
      ["US foreign policy in the region is guided by Israel’s interests first and foremost, "
       "not America’s"], "Trump", "is on record stating", stype="named person"),
    A("I hope you are right and my fears are overblown, but",
      ["you are right and my fears are overblown"], "I", "hope", stype="other"),
]


# --- Short texts written for this set -----------------------------------------------------

DEV_TEXTS: dict[str, tuple[str, list[A]]] = {}

DEV_TEXTS["dev-01-bridge"] = (
    'Officials said the Hartley Bridge will reopen to traffic on Monday after three weeks of '
    'repairs.\n\n'
    '"The structure is safe, and we have tested every joint," said Maria Lopes, the city\'s chief '
    'engineer. "Drivers should still expect delays during the first week."\n\n'
    'The repairs cost more than planned, according to a council report published on Friday. '
    'Council member Tom Reyes told reporters the overrun was "unacceptable" and warned that the '
    'contractor could face penalties.\n\n'
    '"We will not pay for mistakes that were not ours," Reyes said, "and we will say so in court '
    'if we have to."\n',
    [
        A("Officials said the Hartley Bridge will reopen to traffic on Monday after three weeks "
          "of repairs.",
          ["the Hartley Bridge will reopen to traffic on Monday after three weeks of repairs"],
          "Officials", "said", stype="anonymous"),
        A('"The structure is safe, and we have tested every joint," said Maria Lopes',
          ["The structure is safe, and we have tested every joint"], "Maria Lopes", "said",
          "direct", "named person"),
        A('said Maria Lopes, the city\'s chief engineer. "Drivers should still expect delays '
          'during the first week."',
          ["Drivers should still expect delays during the first week."], "Maria Lopes", None,
          "direct", "named person"),
        A("The repairs cost more than planned, according to a council report published on "
          "Friday.", ["The repairs cost more than planned"],
          "a council report published on Friday", "according to", stype="document"),
        A('Council member Tom Reyes told reporters the overrun was "unacceptable"',
          ['the overrun was "unacceptable"'], "Council member Tom Reyes", "told",
          stype="named person"),
        A("Council member Tom Reyes told reporters the overrun was \"unacceptable\" and warned "
          "that the contractor could face penalties.",
          ["the contractor could face penalties"], "Council member Tom Reyes", "warned",
          stype="named person"),
        A('"We will not pay for mistakes that were not ours," Reyes said, "and we will say so '
          'in court if we have to."',
          ["We will not pay for mistakes that were not ours",
           "and we will say so in court if we have to."], "Reyes", "said", "direct",
          "named person"),
    ])

DEV_TEXTS["dev-02-storm"] = (
    "Storm warning \U0001F327\uFE0F for the coast\n\n"
    "The national weather service warned on Tuesday that winds could reach 120\u00a0km/h along "
    "the northern coast.\n\n"
    "\u201cWe are asking people to stay indoors from Wednesday evening. Schools will close at "
    "noon.\n\n"
    "\u201cThis is the strongest storm we have seen in a decade,\u201d said chief forecaster "
    "Anna\u00a0Berg.\n\n"
    "Local fishermen were less worried. \u201cWe have seen worse \U0001F604,\u201d one of them "
    "told the Coastal Herald.\n",
    [
        A("The national weather service warned on Tuesday that winds could reach 120\u00a0km/h "
          "along the northern coast.",
          ["winds could reach 120\u00a0km/h along the northern coast"],
          "The national weather service", "warned", stype="organisation"),
        A("\u201cWe are asking people to stay indoors from Wednesday evening. Schools will close "
          "at noon.\n\n\u201cThis is the strongest storm we have seen in a decade,\u201d said "
          "chief forecaster Anna\u00a0Berg.",
          ["We are asking people to stay indoors from Wednesday evening. Schools will close at "
           "noon.", "This is the strongest storm we have seen in a decade"],
          "chief forecaster Anna\u00a0Berg", "said", "direct", "named person"),
        A("\u201cWe have seen worse \U0001F604,\u201d one of them told the Coastal Herald.",
          ["We have seen worse \U0001F604"], "one of them", "told", "direct", "anonymous"),
    ])

DEV_TEXTS["dev-03-merger"] = (
    "According to two people familiar with the negotiations, the merger talks collapsed late on "
    "Thursday.\n\n"
    "The company declined to comment. A spokesperson said only that \u201cdiscussions with "
    "several partners are ongoing\u201d.\n\n"
    "Well-informed sources in the finance ministry said the government would not block a future "
    "deal. The talks could resume next year, the sources said, if market conditions improve.\n\n"
    "Shares fell 4% in early trading, according to exchange data.\n",
    [
        A("According to two people familiar with the negotiations, the merger talks collapsed "
          "late on Thursday.", ["the merger talks collapsed late on Thursday"],
          "two people familiar with the negotiations", "According to", stype="anonymous"),
        A("A spokesperson said only that \u201cdiscussions with several partners are "
          "ongoing\u201d", ["discussions with several partners are ongoing"],
          "A spokesperson", "said", "direct", "anonymous"),
        A("Well-informed sources in the finance ministry said the government would not block a "
          "future deal.", ["the government would not block a future deal"],
          "Well-informed sources in the finance ministry", "said", stype="anonymous"),
        A("The talks could resume next year, the sources said, if market conditions improve.",
          ["The talks could resume next year", "if market conditions improve"], "the sources",
          "said", stype="anonymous"),
        A("Shares fell 4% in early trading, according to exchange data.",
          ["Shares fell 4% in early trading"], "exchange data", "according to",
          stype="document"),
    ])

DEV_TEXTS["dev-04-budget"] = (
    "The prime minister told parliament on Wednesday that the finance minister had assured him "
    "the budget was balanced.\n\n"
    "Opposition leader Dana Whitfield said the figures did not add up. She claimed that "
    "officials had warned the cabinet in March that revenue would fall short by at least 2 "
    "billion euros.\n\n"
    "The finance ministry denied that any warning had been given.\n",
    [
        A("The prime minister told parliament on Wednesday that the finance minister had assured "
          "him the budget was balanced.",
          ["the finance minister had assured him the budget was balanced"],
          "The prime minister", "told", stype="named person"),
        A("the finance minister had assured him the budget was balanced",
          ["the budget was balanced"], "the finance minister", "had assured",
          stype="named person"),
        A("Opposition leader Dana Whitfield said the figures did not add up.",
          ["the figures did not add up"], "Opposition leader Dana Whitfield", "said",
          stype="named person"),
        A("She claimed that officials had warned the cabinet in March that revenue would fall "
          "short by at least 2 billion euros.",
          ["officials had warned the cabinet in March that revenue would fall short by at least "
           "2 billion euros"], "She", "claimed", stype="named person"),
        A("officials had warned the cabinet in March that revenue would fall short by at least "
          "2 billion euros", ["revenue would fall short by at least 2 billion euros"],
          "officials", "had warned", stype="anonymous"),
        A("The finance ministry denied that any warning had been given.",
          ["any warning had been given"], "The finance ministry", "denied",
          stype="organisation"),
    ])

DEV_TEXTS["dev-05-envoy"] = (
    '"The deal is dead," he said, "and nobody will revive it."\n\n'
    'Asked whether talks could restart, the envoy paused. "Why would they?" he asked. "Nothing '
    'has changed."\n\n'
    'The agreement, he added, had been "doomed from the start".\n\n'
    '"It is a sad day for the region," says Leila Haddad, who chairs the regional council.\n',
    [
        A('"The deal is dead," he said, "and nobody will revive it."',
          ["The deal is dead", "and nobody will revive it."], "he", "said", "direct",
          "named person"),
        A('"Why would they?" he asked.', ["Why would they?"], "he", "asked", "direct",
          "named person"),
        A('he asked. "Nothing has changed."', ["Nothing has changed."], "he", None, "direct",
          "named person"),
        A('The agreement, he added, had been "doomed from the start".',
          ["The agreement", 'had been "doomed from the start"'], "he", "added",
          stype="named person"),
        A('"It is a sad day for the region," says Leila Haddad',
          ["It is a sad day for the region"], "Leila Haddad", "says", "direct",
          "named person"),
    ])

DEV_TEXTS["dev-06-sea-level"] = (
    "Scientists warn that sea levels could rise faster than expected, a new study published in "
    "Nature Climate says.\n\n"
    "The lead author, Dr. Priya Raman of the University of Leeds, believes coastal cities have "
    "less than 30 years to adapt. \u201cWe are running out of time,\u201d Raman told the BBC.\n\n"
    "Other researchers argued the projections were too pessimistic. Professor Mark Ellis said "
    "the models relied on extreme assumptions, adding that the real rise would likely be "
    "slower.\n\n"
    "The report also notes that funding for coastal defences has fallen since 2015.\n",
    [
        A("Scientists warn that sea levels could rise faster than expected, a new study "
          "published in Nature Climate says.",
          ["Scientists warn that sea levels could rise faster than expected"],
          "a new study published in Nature Climate", "says", stype="document"),
        A("Scientists warn that sea levels could rise faster than expected,",
          ["sea levels could rise faster than expected"], "Scientists", "warn",
          stype="anonymous"),
        A("The lead author, Dr. Priya Raman of the University of Leeds, believes coastal cities "
          "have less than 30 years to adapt.",
          ["coastal cities have less than 30 years to adapt"], "The lead author", "believes",
          stype="named person"),
        A("\u201cWe are running out of time,\u201d Raman told the BBC.",
          ["We are running out of time"], "Raman", "told", "direct", "named person"),
        A("Other researchers argued the projections were too pessimistic.",
          ["the projections were too pessimistic"], "Other researchers", "argued",
          stype="anonymous"),
        A("Professor Mark Ellis said the models relied on extreme assumptions,",
          ["the models relied on extreme assumptions"], "Professor Mark Ellis", "said",
          stype="named person"),
        A("Professor Mark Ellis said the models relied on extreme assumptions, adding that the "
          "real rise would likely be slower.", ["the real rise would likely be slower"],
          "Professor Mark Ellis", "adding", stype="named person"),
        A("The report also notes that funding for coastal defences has fallen since 2015.",
          ["funding for coastal defences has fallen since 2015"], "The report", "notes",
          stype="document"),
    ])

DEV_TEXTS["dev-07-launch"] = (
    "The launch went according to plan, and the rocket's \"quiet phase\" began shortly after "
    "midnight.\n\n"
    "It is understood that the satellite will begin transmitting data within days. Officials at "
    "the space agency said the first images were expected by Friday.\n\n"
    "Engineers are confident the solar panels deployed correctly, according to the agency's "
    "website. A final check is still pending.\n",
    [
        A("It is understood that the satellite will begin transmitting data within days.",
          ["the satellite will begin transmitting data within days"], None, "is understood"),
        A("Officials at the space agency said the first images were expected by Friday.",
          ["the first images were expected by Friday"], "Officials at the space agency", "said",
          stype="anonymous"),
        A("Engineers are confident the solar panels deployed correctly, according to the "
          "agency's website.", ["Engineers are confident the solar panels deployed correctly"],
          "the agency's website", "according to", stype="document"),
    ])

DEV_TEXTS["dev-08-startup"] = (
    "\U0001F680 Tech: a Lisbon start-up raises \u20ac2 million\n\n"
    "\u201cOur app \U0001F4F1 works offline, even in the mountains,\u201d said founder "
    "Jos\u00e9 \u00c1lvarez.\n\n"
    "Investor Zoe\u0308 Brandt said the company had \u201cthe best team I have met this year "
    "\U0001F44F\u201d.\n\n"
    "The Arabic edition of the app, called \u00ab\u0637\u0631\u064a\u0642\u00bb, launched in "
    "March, according to a company statement.\n",
    [
        A("\u201cOur app \U0001F4F1 works offline, even in the mountains,\u201d said founder "
          "Jos\u00e9 \u00c1lvarez.", ["Our app \U0001F4F1 works offline, even in the mountains"],
          "founder Jos\u00e9 \u00c1lvarez", "said", "direct", "named person"),
        A("Investor Zoe\u0308 Brandt said the company had \u201cthe best team I have met this "
          "year \U0001F44F\u201d.",
          ["the company had \u201cthe best team I have met this year \U0001F44F\u201d"],
          "Investor Zoe\u0308 Brandt", "said", stype="named person"),
        A("The Arabic edition of the app, called \u00ab\u0637\u0631\u064a\u0642\u00bb, launched "
          "in March, according to a company statement.",
          ["The Arabic edition of the app, called \u00ab\u0637\u0631\u064a\u0642\u00bb, launched "
           "in March"], "a company statement", "according to", stype="document"),
    ])

DEV_TEXTS["dev-09-economy"] = (
    "BERLIN (Reuters) - Germany's economy minister told lawmakers the country would avoid a "
    "recession this year, but warned that the coming months would be \"difficult\".\n\n"
    "\"Growth will be weak, but it will be growth,\" the minister said in a speech to the "
    "Bundestag.\n\n"
    "Klaus Meier, 58, a trade union leader, said workers were already feeling the squeeze. The "
    "central bank confirmed that inflation had slowed for a third month.\n",
    [
        A("Germany's economy minister told lawmakers the country would avoid a recession this "
          "year,", ["the country would avoid a recession this year"],
          "Germany's economy minister", "told", stype="named person"),
        A("Germany's economy minister told lawmakers the country would avoid a recession this "
          "year, but warned that the coming months would be \"difficult\".",
          ['the coming months would be "difficult"'], "Germany's economy minister", "warned",
          stype="named person"),
        A('"Growth will be weak, but it will be growth," the minister said',
          ["Growth will be weak, but it will be growth"], "the minister", "said", "direct",
          "named person"),
        A("Klaus Meier, 58, a trade union leader, said workers were already feeling the "
          "squeeze.", ["workers were already feeling the squeeze"], "Klaus Meier", "said",
          stype="named person"),
        A("The central bank confirmed that inflation had slowed for a third month.",
          ["inflation had slowed for a third month"], "The central bank", "confirmed",
          stype="organisation"),
    ])

DEV_TEXTS["dev-10-audit"] = (
    "The newspaper reported on Sunday that the mayor had claimed the audit was politically "
    "motivated.\n\n"
    "\u201cHe told me the auditors were biased,\u201d a former aide said. \u201cI did not "
    "believe him.\u201d\n\n"
    "Police said a 34-year-old man was arrested at the scene. He denies the charges, his lawyer "
    "said.\n",
    [
        A("The newspaper reported on Sunday that the mayor had claimed the audit was politically "
          "motivated.", ["the mayor had claimed the audit was politically motivated"],
          "The newspaper", "reported", stype="organisation"),
        A("the mayor had claimed the audit was politically motivated",
          ["the audit was politically motivated"], "the mayor", "had claimed",
          stype="named person"),
        A("\u201cHe told me the auditors were biased,\u201d a former aide said.",
          ["He told me the auditors were biased"], "a former aide", "said", "direct",
          "anonymous"),
        A("He told me the auditors were biased", ["the auditors were biased"], "He", "told",
          stype="named person"),
        A("a former aide said. \u201cI did not believe him.\u201d", ["I did not believe him."],
          "a former aide", None, "direct", "anonymous"),
        A("Police said a 34-year-old man was arrested at the scene.",
          ["a 34-year-old man was arrested at the scene"], "Police", "said",
          stype="organisation"),
        A("He denies the charges, his lawyer said.", ["He denies the charges"], "his lawyer",
          "said", stype="anonymous"),
    ])

DEV_TEXTS["dev-11-floods"] = (
    "Insurance claims rose sharply after the floods, and several firms said they expected "
    "further losses.\n\n"
    "All told, more than 4,000 homes were damaged. The regional governor issued a statement "
    "saying emergency funds would be released within a week.\n\n"
    "In an interview with local radio, a spokeswoman for the insurers' association said: "
    "\u201cNobody saw this coming.\u201d\n",
    [
        A("several firms said they expected further losses.", ["they expected further losses"],
          "several firms", "said", stype="organisation"),
        A("The regional governor issued a statement saying emergency funds would be released "
          "within a week.", ["emergency funds would be released within a week"],
          "The regional governor", "saying", stype="named person"),
        A("a spokeswoman for the insurers' association said: \u201cNobody saw this "
          "coming.\u201d", ["Nobody saw this coming."],
          "a spokeswoman for the insurers' association", "said", "direct", "anonymous"),
    ])

DEV_TEXTS["dev-12-transit"] = (
    "The new line, according to transport officials, will open in 2027.\n\n"
    "As the mayor put it, the city \"cannot wait another decade\". Residents say the current "
    "buses are overcrowded and unreliable.\n\n"
    "Critics, however, doubt that the budget will hold.\n",
    [
        A("The new line, according to transport officials, will open in 2027.",
          ["The new line", "will open in 2027"], "transport officials", "according to",
          stype="anonymous"),
        A("As the mayor put it, the city \"cannot wait another decade\".",
          ['the city "cannot wait another decade"'], "the mayor", "put it",
          stype="named person"),
        A("Residents say the current buses are overcrowded and unreliable.",
          ["the current buses are overcrowded and unreliable"], "Residents", "say",
          stype="anonymous"),
        A("Critics, however, doubt that the budget will hold.", ["the budget will hold"],
          "Critics", "doubt", stype="anonymous"),
    ])


# --- Held-out texts: written and annotated after the rules, scored blind once -------------
# (docs/pretagging.md gives the blind figures and the figures now.) More varied styles:
# wire copy with datelines, a local police story, a feature, a sports report, a study
# write-up, a first-person opinion piece.

HELDOUT_TEXTS: dict[str, tuple[str, list[A]]] = {}

HELDOUT_TEXTS["held-01-senate"] = (
    "WASHINGTON (AP) \u2014 Senate negotiators said Tuesday they were close to a deal on a $1.2 "
    "trillion spending package, but warned that a handful of disputes could still derail it "
    "before the Friday deadline.\n\n"
    "\"We're in the red zone,\" Sen. Patty Morrison, D-Wash., the lead Democratic negotiator, "
    "told reporters outside the chamber. \"There are three or four issues left, and none of "
    "them are small.\"\n\n"
    "Republicans were more cautious. Senate Minority Leader John Thune said his members had not "
    "seen the text and would not commit to supporting it \"sight unseen.\"\n\n"
    "A senior Republican aide, who spoke on condition of anonymity to discuss private talks, "
    "said the main sticking point was funding for border enforcement. The White House has "
    "insisted that any package include money for additional immigration judges, according to "
    "two people briefed on the negotiations.\n\n"
    "Asked whether a short-term extension was possible, Morrison shrugged. \"Anything is "
    "possible,\" she said. \"But nobody wants to be here at Christmas.\"\n",
    [
        A("Senate negotiators said Tuesday they were close to a deal on a $1.2 trillion spending "
          "package,", ["they were close to a deal on a $1.2 trillion spending package"],
          "Senate negotiators", "said", stype="anonymous"),
        A("Senate negotiators said Tuesday they were close to a deal on a $1.2 trillion spending "
          "package, but warned that a handful of disputes could still derail it before the "
          "Friday deadline.",
          ["a handful of disputes could still derail it before the Friday deadline"],
          "Senate negotiators", "warned", stype="anonymous"),
        A("\"We're in the red zone,\" Sen. Patty Morrison, D-Wash., the lead Democratic "
          "negotiator, told reporters outside the chamber.", ["We're in the red zone"],
          "Sen. Patty Morrison", "told", "direct", "named person"),
        A("Sen. Patty Morrison, D-Wash., the lead Democratic negotiator, told reporters outside "
          "the chamber. \"There are three or four issues left, and none of them are small.\"",
          ["There are three or four issues left, and none of them are small."],
          "Sen. Patty Morrison", None, "direct", "named person"),
        A("Senate Minority Leader John Thune said his members had not seen the text and would "
          "not commit to supporting it \"sight unseen.\"",
          ["his members had not seen the text and would not commit to supporting it \"sight "
           "unseen.\""], "Senate Minority Leader John Thune", "said", stype="named person"),
        A("A senior Republican aide, who spoke on condition of anonymity to discuss private "
          "talks, said the main sticking point was funding for border enforcement.",
          ["the main sticking point was funding for border enforcement"],
          "A senior Republican aide", "said", stype="anonymous"),
        A("The White House has insisted that any package include money for additional "
          "immigration judges, according to two people briefed on the negotiations.",
          ["The White House has insisted that any package include money for additional "
           "immigration judges"], "two people briefed on the negotiations", "according to",
          stype="anonymous"),
        A("The White House has insisted that any package include money for additional "
          "immigration judges,", ["any package include money for additional immigration "
                                  "judges"], "The White House", "has insisted",
          stype="organisation"),
        A("\"Anything is possible,\" she said.", ["Anything is possible"], "she", "said",
          "direct", "named person"),
        A("she said. \"But nobody wants to be here at Christmas.\"",
          ["But nobody wants to be here at Christmas."], "she", None, "direct",
          "named person"),
    ])

HELDOUT_TEXTS["held-02-retailer"] = (
    "LONDON, March 3 (Reuters) - British retailer Marlow & Finch Plc said on Thursday it would "
    "close 40 stores and cut about 1,200 jobs, blaming weak consumer demand and rising energy "
    "costs.\n\n"
    "Chief Executive Sarah Okafor said the decision was \"painful but necessary\" and that the "
    "company expected to return to profit in 2025.\n\n"
    "Shares in the company, which has been hit by a string of profit warnings, fell 7% in "
    "morning trade.\n\n"
    "\"The market had priced in some closures, but not on this scale,\" said Hargreaves "
    "Lansdown analyst Ben Lowe. He added that further cuts could not be ruled out.\n\n"
    "The GMB union said it would seek urgent talks with management. \"Staff have found out "
    "about this from the news,\" a union official said. \"That is no way to treat people.\"\n",
    [
        A("British retailer Marlow & Finch Plc said on Thursday it would close 40 stores and cut "
          "about 1,200 jobs,", ["it would close 40 stores and cut about 1,200 jobs"],
          "British retailer Marlow & Finch Plc", "said", stype="organisation"),
        A("Chief Executive Sarah Okafor said the decision was \"painful but necessary\" and that "
          "the company expected to return to profit in 2025.",
          ["the decision was \"painful but necessary\" and that the company expected to return "
           "to profit in 2025"], "Chief Executive Sarah Okafor", "said",
          stype="named person"),
        A("\"The market had priced in some closures, but not on this scale,\" said Hargreaves "
          "Lansdown analyst Ben Lowe.",
          ["The market had priced in some closures, but not on this scale"],
          "Hargreaves Lansdown analyst Ben Lowe", "said", "direct", "named person"),
        A("He added that further cuts could not be ruled out.",
          ["further cuts could not be ruled out"], "He", "added", stype="named person"),
        A("The GMB union said it would seek urgent talks with management.",
          ["it would seek urgent talks with management"], "The GMB union", "said",
          stype="organisation"),
        A("\"Staff have found out about this from the news,\" a union official said.",
          ["Staff have found out about this from the news"], "a union official", "said",
          "direct", "anonymous"),
        A("a union official said. \"That is no way to treat people.\"",
          ["That is no way to treat people."], "a union official", None, "direct",
          "anonymous"),
    ])

HELDOUT_TEXTS["held-03-arson"] = (
    "Police in Manchester have arrested a 23-year-old man on suspicion of arson after a fire "
    "destroyed a community centre in Levenshulme overnight.\n\n"
    "Greater Manchester Police said officers were called to Stockport Road shortly after 02:00 "
    "BST and that no-one was hurt.\n\n"
    "Det Insp Rachel Hughes described the fire as \"a senseless attack on a building that means "
    "a great deal to local people\".\n\n"
    "She said: \"We are keen to hear from anyone who was in the area last night and may have "
    "seen something suspicious.\"\n\n"
    "The centre's manager, Imran Siddiqui, told the BBC the damage would take months to repair. "
    "He believes the building was targeted because it hosts a weekly food bank.\n\n"
    "Local councillor Joan Platt said residents were \"devastated\" and promised the council "
    "would help find a temporary home for the food bank.\n",
    [
        A("Greater Manchester Police said officers were called to Stockport Road shortly after "
          "02:00 BST and that no-one was hurt.",
          ["officers were called to Stockport Road shortly after 02:00 BST and that no-one was "
           "hurt"], "Greater Manchester Police", "said", stype="organisation"),
        A("Det Insp Rachel Hughes described the fire as \"a senseless attack on a building that "
          "means a great deal to local people\".",
          ["a senseless attack on a building that means a great deal to local people"],
          "Det Insp Rachel Hughes", "described", "direct", "named person"),
        A("She said: \"We are keen to hear from anyone who was in the area last night and may "
          "have seen something suspicious.\"",
          ["We are keen to hear from anyone who was in the area last night and may have seen "
           "something suspicious."], "She", "said", "direct", "named person"),
        A("The centre's manager, Imran Siddiqui, told the BBC the damage would take months to "
          "repair.", ["the damage would take months to repair"], "The centre's manager",
          "told", stype="named person"),
        A("He believes the building was targeted because it hosts a weekly food bank.",
          ["the building was targeted because it hosts a weekly food bank"], "He", "believes",
          stype="named person"),
        A("Local councillor Joan Platt said residents were \"devastated\" and",
          ["residents were \"devastated\""], "Local councillor Joan Platt", "said",
          stype="named person"),
        A("Local councillor Joan Platt said residents were \"devastated\" and promised the "
          "council would help find a temporary home for the food bank.",
          ["the council would help find a temporary home for the food bank"],
          "Local councillor Joan Platt", "promised", stype="named person"),
    ])

HELDOUT_TEXTS["held-04-school"] = (
    "For Maria Santos, the closure of the village school is the end of an era. \"My mother went "
    "there, I went there, my children went there,\" she says. \"Now there is nothing. The bus "
    "to town takes 50 minutes each way.\"\n\n"
    "Santos, 41, is one of dozens of parents who have written to the education authority. In "
    "its reply, seen by the Guardian, the authority says falling pupil numbers left it with "
    "\"no realistic alternative\".\n\n"
    "Campaigners dispute that. \"The numbers were falling because they stopped investing years "
    "ago,\" says Tom Reid, who chairs the Save Our School group.\n\n"
    "\"It's a self-fulfilling prophecy. You cut the budget, parents leave, and then you say the "
    "school isn't viable.\"\n\n"
    "The authority insists the decision was taken \"after careful consideration\" and says "
    "pupils will be offered free transport.\n",
    [
        A("\"My mother went there, I went there, my children went there,\" she says.",
          ["My mother went there, I went there, my children went there"], "she", "says",
          "direct", "named person"),
        A("she says. \"Now there is nothing. The bus to town takes 50 minutes each way.\"",
          ["Now there is nothing. The bus to town takes 50 minutes each way."], "she", None,
          "direct", "named person"),
        A("In its reply, seen by the Guardian, the authority says falling pupil numbers left it "
          "with \"no realistic alternative\".",
          ["falling pupil numbers left it with \"no realistic alternative\""], "the authority",
          "says", stype="organisation"),
        A("\"The numbers were falling because they stopped investing years ago,\" says Tom Reid",
          ["The numbers were falling because they stopped investing years ago"], "Tom Reid",
          "says", "direct", "named person"),
        A("says Tom Reid, who chairs the Save Our School group.\n\n\"It's a self-fulfilling "
          "prophecy. You cut the budget, parents leave, and then you say the school isn't "
          "viable.\"",
          ["It's a self-fulfilling prophecy. You cut the budget, parents leave, and then you "
           "say the school isn't viable."], "Tom Reid", None, "direct", "named person"),
        A("and then you say the school isn't viable.", ["the school isn't viable"], "you",
          "say", stype="other"),
        A("The authority insists the decision was taken \"after careful consideration\" and",
          ["the decision was taken \"after careful consideration\""], "The authority",
          "insists", stype="organisation"),
        A("The authority insists the decision was taken \"after careful consideration\" and says "
          "pupils will be offered free transport.",
          ["pupils will be offered free transport"], "The authority", "says",
          stype="organisation"),
    ])

HELDOUT_TEXTS["held-05-kyiv"] = (
    "Ukraine's foreign minister said on Monday that Kyiv had received assurances from its "
    "partners that air-defence deliveries would continue through the winter.\n\n"
    "Speaking at a news conference in Brussels, the minister said the talks had been \"frank "
    "and productive\". He did not say which countries had made the commitments.\n\n"
    "Two diplomats familiar with the discussions said the pledges fell short of what Kyiv had "
    "requested. One of them said privately that several governments were worried about their "
    "own stockpiles.\n\n"
    "Russia's defence ministry claimed its forces had shot down 30 drones overnight, a figure "
    "that could not be independently verified. According to the regional governor, debris "
    "damaged two apartment buildings but caused no casualties.\n",
    [
        A("Ukraine's foreign minister said on Monday that Kyiv had received assurances from its "
          "partners that air-defence deliveries would continue through the winter.",
          ["Kyiv had received assurances from its partners that air-defence deliveries would "
           "continue through the winter"], "Ukraine's foreign minister", "said",
          stype="named person"),
        A("the minister said the talks had been \"frank and productive\".",
          ["the talks had been \"frank and productive\""], "the minister", "said",
          stype="named person"),
        A("Two diplomats familiar with the discussions said the pledges fell short of what Kyiv "
          "had requested.", ["the pledges fell short of what Kyiv had requested"],
          "Two diplomats familiar with the discussions", "said", stype="anonymous"),
        A("One of them said privately that several governments were worried about their own "
          "stockpiles.", ["several governments were worried about their own stockpiles"],
          "One of them", "said", stype="anonymous"),
        A("Russia's defence ministry claimed its forces had shot down 30 drones overnight,",
          ["its forces had shot down 30 drones overnight"], "Russia's defence ministry",
          "claimed", stype="organisation"),
        A("According to the regional governor, debris damaged two apartment buildings but "
          "caused no casualties.",
          ["debris damaged two apartment buildings but caused no casualties"],
          "the regional governor", "According to", stype="named person"),
    ])

HELDOUT_TEXTS["held-06-football"] = (
    "Coach Dave Miller insisted his side were \"nowhere near our best\" despite Saturday's 3-0 "
    "win over Harton.\n\n"
    "\"We gave the ball away too cheaply in the first half,\" Miller said after the match. \"If "
    "we play like that against the top teams, we will get punished.\"\n\n"
    "Striker Leon Baptiste, who scored twice, said he had been struggling with a knee injury "
    "all week. The club's medical staff, according to Miller, will assess him on Monday.\n\n"
    "Harton's manager was blunt. \"We were second best in every department,\" she told the "
    "local radio station.\n",
    [
        A("Coach Dave Miller insisted his side were \"nowhere near our best\" despite Saturday's "
          "3-0 win over Harton.",
          ["his side were \"nowhere near our best\" despite Saturday's 3-0 win over Harton"],
          "Coach Dave Miller", "insisted", stype="named person"),
        A("\"We gave the ball away too cheaply in the first half,\" Miller said after the match.",
          ["We gave the ball away too cheaply in the first half"], "Miller", "said", "direct",
          "named person"),
        A("Miller said after the match. \"If we play like that against the top teams, we will "
          "get punished.\"",
          ["If we play like that against the top teams, we will get punished."], "Miller", None,
          "direct", "named person"),
        A("Striker Leon Baptiste, who scored twice, said he had been struggling with a knee "
          "injury all week.", ["he had been struggling with a knee injury all week"],
          "Striker Leon Baptiste", "said", stype="named person"),
        A("The club's medical staff, according to Miller, will assess him on Monday.",
          ["The club's medical staff", "will assess him on Monday"], "Miller", "according to",
          stype="named person"),
        A("\"We were second best in every department,\" she told the local radio station.",
          ["We were second best in every department"], "she", "told", "direct",
          "named person"),
    ])

HELDOUT_TEXTS["held-07-steps"] = (
    "People who walk at least 7,000 steps a day have a lower risk of early death, a large "
    "international study has found.\n\n"
    "The researchers, who followed more than 70,000 adults for a decade, found that the "
    "benefits levelled off at around 10,000 steps. \u201cYou don\u2019t need to run "
    "marathons,\u201d said lead author Dr. Hannah Cole of the University of Sydney. \u201cSmall "
    "changes add up.\u201d\n\n"
    "Data from the study also show that the effect was strongest among people over 60.\n\n"
    "Other experts were cautious. Prof. James Whitaker, an epidemiologist who was not involved "
    "in the research, warned that observational studies could not prove cause and effect. The "
    "authors acknowledged the limitation in their paper but wrote that the association held "
    "\u201cacross every group we examined\u201d.\n",
    [
        A("People who walk at least 7,000 steps a day have a lower risk of early death, a large "
          "international study has found.",
          ["People who walk at least 7,000 steps a day have a lower risk of early death"],
          "a large international study", "has found", stype="document"),
        A("The researchers, who followed more than 70,000 adults for a decade, found that the "
          "benefits levelled off at around 10,000 steps.",
          ["the benefits levelled off at around 10,000 steps"], "The researchers", "found",
          stype="anonymous"),
        A("\u201cYou don\u2019t need to run marathons,\u201d said lead author Dr. Hannah Cole of "
          "the University of Sydney.", ["You don\u2019t need to run marathons"],
          "lead author Dr. Hannah Cole of the University of Sydney", "said", "direct",
          "named person"),
        A("said lead author Dr. Hannah Cole of the University of Sydney. \u201cSmall changes add "
          "up.\u201d", ["Small changes add up."],
          "lead author Dr. Hannah Cole of the University of Sydney", None, "direct",
          "named person"),
        A("Data from the study also show that the effect was strongest among people over 60.",
          ["the effect was strongest among people over 60"], "Data from the study", "show",
          stype="document"),
        A("Prof. James Whitaker, an epidemiologist who was not involved in the research, warned "
          "that observational studies could not prove cause and effect.",
          ["observational studies could not prove cause and effect"], "Prof. James Whitaker",
          "warned", stype="named person"),
        A("The authors acknowledged the limitation in their paper but wrote that the "
          "association held \u201cacross every group we examined\u201d.",
          ["the association held \u201cacross every group we examined\u201d"], "The authors",
          "wrote", stype="anonymous"),
    ])

HELDOUT_TEXTS["held-08-four-day-week"] = (
    "Why the four-day week deserves a fair trial\n\n"
    "I have run a small design studio for twelve years, and I think the five-day week is a "
    "habit rather than a law of nature.\n\n"
    "When we switched to a four-day week last spring, my accountant warned me that "
    "productivity would collapse. It did not. Our output, measured in completed projects, rose "
    "by 8%. My staff tell me they are less tired and more focused, and I believe them.\n\n"
    "Critics say the model cannot work in hospitals or schools. That may be true. But the "
    "claims that it harms small businesses do not match our experience, or that of the 61 "
    "firms in last year's UK pilot, most of which kept the policy, according to the researchers "
    "who ran it.\n",
    [
        A("and I think the five-day week is a habit rather than a law of nature.",
          ["the five-day week is a habit rather than a law of nature"], "I", "think",
          stype="other"),
        A("my accountant warned me that productivity would collapse.",
          ["productivity would collapse"], "my accountant", "warned", stype="anonymous"),
        A("My staff tell me they are less tired and more focused,",
          ["they are less tired and more focused"], "My staff", "tell", stype="anonymous"),
        A("Critics say the model cannot work in hospitals or schools.",
          ["the model cannot work in hospitals or schools"], "Critics", "say",
          stype="anonymous"),
        A("most of which kept the policy, according to the researchers who ran it.",
          ["most of which kept the policy"], "the researchers who ran it", "according to",
          stype="anonymous"),
    ])


# --- Second held-out batch: written and annotated blind after the first was used for tuning

HELDOUT2_TEXTS: dict[str, tuple[str, list[A]]] = {}

HELDOUT2_TEXTS["held2-01-court"] = (
    "A former bank manager who stole more than \u00a3400,000 from elderly customers has been "
    "jailed for six years.\n\n"
    "Prosecutor Helen Graves told Bristol Crown Court that Mark Tilley, 47, had targeted "
    "customers \"he knew were vulnerable and alone\". Tilley admitted 14 counts of fraud.\n\n"
    "His barrister, Simon Hart, said his client was \"deeply ashamed\" and had been struggling "
    "with gambling debts. \"He does not seek to excuse what he did,\" Mr Hart said.\n\n"
    "Sentencing him, Judge Anne Morrow said the offences were \"a gross breach of trust\". The "
    "bank said it had refunded all of the victims and had changed its procedures.\n",
    [
        A("Prosecutor Helen Graves told Bristol Crown Court that Mark Tilley, 47, had targeted "
          "customers \"he knew were vulnerable and alone\".",
          ["Mark Tilley, 47, had targeted customers \"he knew were vulnerable and alone\""],
          "Prosecutor Helen Graves", "told", stype="named person"),
        A("His barrister, Simon Hart, said his client was \"deeply ashamed\" and had been "
          "struggling with gambling debts.",
          ["his client was \"deeply ashamed\" and had been struggling with gambling debts"],
          "His barrister", "said", stype="named person"),
        A("\"He does not seek to excuse what he did,\" Mr Hart said.",
          ["He does not seek to excuse what he did"], "Mr Hart", "said", "direct",
          "named person"),
        A("Sentencing him, Judge Anne Morrow said the offences were \"a gross breach of "
          "trust\".", ["the offences were \"a gross breach of trust\""], "Judge Anne Morrow",
          "said", stype="named person"),
        A("The bank said it had refunded all of the victims and had changed its procedures.",
          ["it had refunded all of the victims and had changed its procedures"], "The bank",
          "said", stype="organisation"),
    ])

HELDOUT2_TEXTS["held2-02-rides"] = (
    "SAN FRANCISCO \u2014 The chief executive of ride-hailing company Zoomly said on Wednesday "
    "the firm would stop operating in three cities by the end of the year.\n\n"
    "In a post on LinkedIn, Priya Nair wrote that the decision followed \"months of losses we "
    "can no longer absorb\". She did not name the cities.\n\n"
    "Drivers' groups reacted angrily. \"They promised us flexibility and then pulled the rug "
    "out,\" said Carlos Mendes, who organises drivers in Oakland. \"Nobody from the company has "
    "called us.\"\n\n"
    "Zoomly's shares rose 3% after the announcement. Analysts at Barclays said in a note to "
    "clients that the exits would save the company about $80 million a year.\n",
    [
        A("The chief executive of ride-hailing company Zoomly said on Wednesday the firm would "
          "stop operating in three cities by the end of the year.",
          ["the firm would stop operating in three cities by the end of the year"],
          "The chief executive of ride-hailing company Zoomly", "said", stype="named person"),
        A("Priya Nair wrote that the decision followed \"months of losses we can no longer "
          "absorb\".",
          ["the decision followed \"months of losses we can no longer absorb\""], "Priya Nair",
          "wrote", stype="named person"),
        A("\"They promised us flexibility and then pulled the rug out,\" said Carlos Mendes",
          ["They promised us flexibility and then pulled the rug out"], "Carlos Mendes", "said",
          "direct", "named person"),
        A("said Carlos Mendes, who organises drivers in Oakland. \"Nobody from the company has "
          "called us.\"", ["Nobody from the company has called us."], "Carlos Mendes", None,
          "direct", "named person"),
        A("Analysts at Barclays said in a note to clients that the exits would save the company "
          "about $80 million a year.",
          ["the exits would save the company about $80 million a year"],
          "Analysts at Barclays", "said", stype="anonymous"),
    ])

HELDOUT2_TEXTS["held2-03-waiting"] = (
    "Hospital waiting lists in the region have grown for the fifth month in a row, new figures "
    "show.\n\n"
    "More than 82,000 people were waiting for planned treatment at the end of June, according "
    "to data published by the health board on Thursday. Of those, about 9,000 had waited more "
    "than a year.\n\n"
    "The health board's chief executive, Dr Owen Price, said staff shortages were \"the single "
    "biggest problem\" and warned that winter would bring further pressure.\n\n"
    "Patients' groups say the figures hide the human cost. \"Behind every number is someone in "
    "pain, waiting,\" said Gwen Lloyd of the Patients' Voice charity.\n",
    [
        A("Hospital waiting lists in the region have grown for the fifth month in a row, new "
          "figures show.",
          ["Hospital waiting lists in the region have grown for the fifth month in a row"],
          "new figures", "show", stype="document"),
        A("More than 82,000 people were waiting for planned treatment at the end of June, "
          "according to data published by the health board on Thursday.",
          ["More than 82,000 people were waiting for planned treatment at the end of June"],
          "data published by the health board on Thursday", "according to",
          stype="document"),
        A("The health board's chief executive, Dr Owen Price, said staff shortages were \"the "
          "single biggest problem\" and",
          ["staff shortages were \"the single biggest problem\""],
          "The health board's chief executive", "said", stype="named person"),
        A("The health board's chief executive, Dr Owen Price, said staff shortages were \"the "
          "single biggest problem\" and warned that winter would bring further pressure.",
          ["winter would bring further pressure"], "The health board's chief executive",
          "warned", stype="named person"),
        A("Patients' groups say the figures hide the human cost.",
          ["the figures hide the human cost"], "Patients' groups", "say", stype="anonymous"),
        A("\"Behind every number is someone in pain, waiting,\" said Gwen Lloyd of the "
          "Patients' Voice charity.", ["Behind every number is someone in pain, waiting"],
          "Gwen Lloyd of the Patients' Voice charity", "said", "direct", "named person"),
    ])

HELDOUT2_TEXTS["held2-04-drones"] = (
    "Iran has been accused by Western governments of supplying drones to Russia, a charge "
    "Tehran denies.\n\n"
    "A senior Iranian official told Reuters that no weapons had been sent \"since the start of "
    "the conflict\". But two European diplomats said intelligence showed deliveries had "
    "continued into the spring.\n\n"
    "\"We have seen the evidence and it is very clear,\" one of the diplomats said, speaking on "
    "condition of anonymity. The diplomat added that sanctions were likely to be extended.\n\n"
    "It is widely believed that the shipments were routed through the Caspian Sea.\n",
    [
        A("A senior Iranian official told Reuters that no weapons had been sent \"since the "
          "start of the conflict\".",
          ["no weapons had been sent \"since the start of the conflict\""],
          "A senior Iranian official", "told", stype="anonymous"),
        A("But two European diplomats said intelligence showed deliveries had continued into "
          "the spring.", ["intelligence showed deliveries had continued into the spring"],
          "two European diplomats", "said", stype="anonymous"),
        A("intelligence showed deliveries had continued into the spring",
          ["deliveries had continued into the spring"], "intelligence", "showed",
          stype="document"),
        A("\"We have seen the evidence and it is very clear,\" one of the diplomats said",
          ["We have seen the evidence and it is very clear"], "one of the diplomats", "said",
          "direct", "anonymous"),
        A("The diplomat added that sanctions were likely to be extended.",
          ["sanctions were likely to be extended"], "The diplomat", "added",
          stype="anonymous"),
        A("It is widely believed that the shipments were routed through the Caspian Sea.",
          ["the shipments were routed through the Caspian Sea"], None, "is widely believed"),
    ])

HELDOUT2_TEXTS["held2-05-lionesses"] = (
    "England captain Jess Carter admitted her side \"got what we deserved\" after a 2-1 defeat "
    "to Spain on Friday.\n\n"
    "\"We didn't start well enough, and against a team like that you get punished,\" Carter "
    "told ITV. \"But I'm proud of how we fought back.\"\n\n"
    "Head coach Mark Reilly was more upbeat, insisting the team was \"in a good place\" ahead "
    "of next week's final group game. He confirmed that goalkeeper Amy Hart would be fit to "
    "play.\n\n"
    "Spain's coach said she was pleased with the result but warned her players against "
    "complacency.\n",
    [
        A("England captain Jess Carter admitted her side \"got what we deserved\" after a 2-1 "
          "defeat to Spain on Friday.",
          ["her side \"got what we deserved\" after a 2-1 defeat to Spain on Friday"],
          "England captain Jess Carter", "admitted", stype="named person"),
        A("\"We didn't start well enough, and against a team like that you get punished,\" "
          "Carter told ITV.",
          ["We didn't start well enough, and against a team like that you get punished"],
          "Carter", "told", "direct", "named person"),
        A("Carter told ITV. \"But I'm proud of how we fought back.\"",
          ["But I'm proud of how we fought back."], "Carter", None, "direct", "named person"),
        A("Head coach Mark Reilly was more upbeat, insisting the team was \"in a good place\" "
          "ahead of next week's final group game.",
          ["the team was \"in a good place\" ahead of next week's final group game"],
          "Head coach Mark Reilly", "insisting", stype="named person"),
        A("He confirmed that goalkeeper Amy Hart would be fit to play.",
          ["goalkeeper Amy Hart would be fit to play"], "He", "confirmed",
          stype="named person"),
        A("Spain's coach said she was pleased with the result but",
          ["she was pleased with the result"], "Spain's coach", "said", stype="named person"),
    ])

HELDOUT2_TEXTS["held2-06-rents"] = (
    "Economists have long argued that rent controls reduce the supply of housing. The evidence "
    "is more mixed than that, as a recent review by the Institute for Fiscal Studies noted.\n\n"
    "The review found that modest caps on rent increases had little effect on new "
    "construction. Its authors cautioned, however, that stricter controls in Berlin had been "
    "followed by a sharp fall in listings.\n\n"
    "Housing minister Lisa Nandy has said she is \"open to all options\". Landlord groups warn "
    "that any cap would drive small investors out of the market; tenant campaigners say that "
    "claim has been made before and never come true.\n",
    [
        A("Economists have long argued that rent controls reduce the supply of housing.",
          ["rent controls reduce the supply of housing"], "Economists", "have long argued",
          stype="anonymous"),
        A("The evidence is more mixed than that, as a recent review by the Institute for Fiscal "
          "Studies noted.", ["The evidence is more mixed than that"],
          "a recent review by the Institute for Fiscal Studies", "noted", stype="document"),
        A("The review found that modest caps on rent increases had little effect on new "
          "construction.",
          ["modest caps on rent increases had little effect on new construction"],
          "The review", "found", stype="document"),
        A("Its authors cautioned, however, that stricter controls in Berlin had been followed "
          "by a sharp fall in listings.",
          ["stricter controls in Berlin had been followed by a sharp fall in listings"],
          "Its authors", "cautioned", stype="anonymous"),
        A("Housing minister Lisa Nandy has said she is \"open to all options\".",
          ["she is \"open to all options\""], "Housing minister Lisa Nandy", "has said",
          stype="named person"),
        A("Landlord groups warn that any cap would drive small investors out of the market;",
          ["any cap would drive small investors out of the market"], "Landlord groups", "warn",
          stype="anonymous"),
        A("tenant campaigners say that claim has been made before and never come true.",
          ["that claim has been made before and never come true"], "tenant campaigners",
          "say", stype="anonymous"),
    ])


# --- Third held-out batch: written and annotated blind against tagger 1.1.0 ------------

HELDOUT3_TEXTS: dict[str, tuple[str, list[A]]] = {}

HELDOUT3_TEXTS["held3-01-election"] = (
    "Polls close as turnout hits record, officials say\n\n"
    "Election officials said turnout had passed 72% by mid-afternoon, the highest figure since "
    "the vote was introduced in 1994.\n\n"
    "\"Queues started forming before 6am,\" said Ruth Adeyemi, who runs a polling station in "
    "Lagos. \"People want their voices heard.\"\n\n"
    "The opposition candidate, Bola Tinubu-Ade, claimed on Saturday that ballot boxes had been "
    "seized in two districts. The electoral commission rejected the allegation, saying it had "
    "\"no evidence of any irregularity\".\n\n"
    "Observers from the African Union will publish a preliminary report on Monday.\n",
    [
        A("Polls close as turnout hits record, officials say",
          ["Polls close as turnout hits record"], "officials", "say", stype="anonymous"),
        A("Election officials said turnout had passed 72% by mid-afternoon, the highest figure "
          "since the vote was introduced in 1994.",
          ["turnout had passed 72% by mid-afternoon, the highest figure since the vote was "
           "introduced in 1994"], "Election officials", "said", stype="anonymous"),
        A("\"Queues started forming before 6am,\" said Ruth Adeyemi",
          ["Queues started forming before 6am"], "Ruth Adeyemi", "said", "direct",
          "named person"),
        A("said Ruth Adeyemi, who runs a polling station in Lagos. \"People want their voices "
          "heard.\"", ["People want their voices heard."], "Ruth Adeyemi", None, "direct",
          "named person"),
        A("The opposition candidate, Bola Tinubu-Ade, claimed on Saturday that ballot boxes had "
          "been seized in two districts.",
          ["ballot boxes had been seized in two districts"], "The opposition candidate",
          "claimed", stype="named person"),
        A("The electoral commission rejected the allegation, saying it had \"no evidence of any "
          "irregularity\".", ["it had \"no evidence of any irregularity\""],
          "The electoral commission", "saying", stype="organisation"),
    ])

HELDOUT3_TEXTS["held3-02-mars"] = (
    "NASA's Perseverance rover has found rocks that may preserve signs of ancient microbial "
    "life, the agency announced on Thursday.\n\n"
    "Mission scientists cautioned that the findings were \"not proof of life\" and said only a "
    "laboratory on Earth could settle the question. \"This is the most compelling sample we "
    "have collected,\" deputy project scientist Katie Stack Morgan told a news conference.\n\n"
    "Some researchers outside the mission were sceptical. \"Chemistry can produce these "
    "patterns without any biology at all,\" said planetary geologist Dr. Tom McCollom. He "
    "added that similar claims had been made before.\n",
    [
        A("NASA's Perseverance rover has found rocks that may preserve signs of ancient "
          "microbial life, the agency announced on Thursday.",
          ["NASA's Perseverance rover has found rocks that may preserve signs of ancient "
           "microbial life"], "the agency", "announced", stype="organisation"),
        A("Mission scientists cautioned that the findings were \"not proof of life\" and",
          ["the findings were \"not proof of life\""], "Mission scientists", "cautioned",
          stype="anonymous"),
        A("Mission scientists cautioned that the findings were \"not proof of life\" and said "
          "only a laboratory on Earth could settle the question.",
          ["only a laboratory on Earth could settle the question"], "Mission scientists",
          "said", stype="anonymous"),
        A("\"This is the most compelling sample we have collected,\" deputy project scientist "
          "Katie Stack Morgan told a news conference.",
          ["This is the most compelling sample we have collected"],
          "deputy project scientist Katie Stack Morgan", "told", "direct", "named person"),
        A("\"Chemistry can produce these patterns without any biology at all,\" said planetary "
          "geologist Dr. Tom McCollom.",
          ["Chemistry can produce these patterns without any biology at all"],
          "planetary geologist Dr. Tom McCollom", "said", "direct", "named person"),
        A("He added that similar claims had been made before.",
          ["similar claims had been made before"], "He", "added", stype="named person"),
    ])

HELDOUT3_TEXTS["held3-03-robbery"] = (
    "Two men have been charged after a jewellery shop in Leeds city centre was robbed at "
    "knifepoint on Tuesday afternoon.\n\n"
    "West Yorkshire Police said the suspects, aged 24 and 31, would appear before magistrates "
    "on Thursday. A third man was arrested but later released without charge, according to a "
    "police spokeswoman.\n\n"
    "The shop's owner, who asked not to be named, said staff were \"shaken but unhurt\". "
    "\"They were in and out in under two minutes,\" she told the Yorkshire Evening Post. \"It "
    "felt like hours.\"\n\n"
    "Detectives are appealing for anyone with dashcam footage to come forward.\n",
    [
        A("West Yorkshire Police said the suspects, aged 24 and 31, would appear before "
          "magistrates on Thursday.",
          ["the suspects, aged 24 and 31, would appear before magistrates on Thursday"],
          "West Yorkshire Police", "said", stype="organisation"),
        A("A third man was arrested but later released without charge, according to a police "
          "spokeswoman.", ["A third man was arrested but later released without charge"],
          "a police spokeswoman", "according to", stype="anonymous"),
        A("The shop's owner, who asked not to be named, said staff were \"shaken but "
          "unhurt\".", ["staff were \"shaken but unhurt\""], "The shop's owner", "said",
          stype="anonymous"),
        A("\"They were in and out in under two minutes,\" she told the Yorkshire Evening Post.",
          ["They were in and out in under two minutes"], "she", "told", "direct",
          "named person"),
        A("she told the Yorkshire Evening Post. \"It felt like hours.\"",
          ["It felt like hours."], "she", None, "direct", "named person"),
    ])

HELDOUT3_TEXTS["held3-04-inflation"] = (
    "Inflation in the eurozone fell to 2.4% in November, its lowest level in more than two "
    "years, the EU's statistics office said on Friday.\n\n"
    "Economists polled by Reuters had expected a reading of 2.7%. \"The disinflation process "
    "is well under way,\" ING economist Bert Colijn wrote in a note, adding that the European "
    "Central Bank was likely to cut interest rates by the spring.\n\n"
    "ECB President Christine Lagarde has warned against declaring victory too early. Speaking "
    "in Frankfurt last week, she said wage growth remained \"strong\" and that the bank would "
    "keep rates high \"for as long as necessary\".\n",
    [
        A("Inflation in the eurozone fell to 2.4% in November, its lowest level in more than two "
          "years, the EU's statistics office said on Friday.",
          ["Inflation in the eurozone fell to 2.4% in November, its lowest level in more than "
           "two years"], "the EU's statistics office", "said", stype="organisation"),
        A("\"The disinflation process is well under way,\" ING economist Bert Colijn wrote in a "
          "note,", ["The disinflation process is well under way"], "ING economist Bert Colijn",
          "wrote", "direct", "named person"),
        A("ING economist Bert Colijn wrote in a note, adding that the European Central Bank was "
          "likely to cut interest rates by the spring.",
          ["the European Central Bank was likely to cut interest rates by the spring"],
          "ING economist Bert Colijn", "adding", stype="named person"),
        A("she said wage growth remained \"strong\" and that the bank would keep rates high "
          "\"for as long as necessary\".",
          ["wage growth remained \"strong\" and that the bank would keep rates high \"for as "
           "long as necessary\""], "she", "said", stype="named person"),
    ])

HELDOUT3_TEXTS["held3-05-stadium"] = (
    "It has been suggested that the new stadium will pay for itself within a decade. I doubt "
    "it.\n\n"
    "The council's own consultants estimated that the project would cost \u00a3180 million, "
    "but the council's leader, Cllr Amir Khan, told a meeting last month that the final bill "
    "\"could be higher\". Supporters argue the stadium will bring thousands of visitors to the "
    "town every weekend.\n\n"
    "Perhaps they are right. But as one local shopkeeper put it to me: \"Visitors who come for "
    "ninety minutes don't buy much bread.\"\n",
    [
        A("It has been suggested that the new stadium will pay for itself within a decade.",
          ["the new stadium will pay for itself within a decade"], None, "has been suggested"),
        A("The council's own consultants estimated that the project would cost \u00a3180 "
          "million,", ["the project would cost \u00a3180 million"],
          "The council's own consultants", "estimated", stype="anonymous"),
        A("the council's leader, Cllr Amir Khan, told a meeting last month that the final bill "
          "\"could be higher\".", ["the final bill \"could be higher\""],
          "the council's leader", "told", stype="named person"),
        A("Supporters argue the stadium will bring thousands of visitors to the town every "
          "weekend.",
          ["the stadium will bring thousands of visitors to the town every weekend"],
          "Supporters", "argue", stype="anonymous"),
        A("as one local shopkeeper put it to me: \"Visitors who come for ninety minutes don't "
          "buy much bread.\"", ["Visitors who come for ninety minutes don't buy much bread."],
          "one local shopkeeper", "put it", "direct", "anonymous"),
    ])


# --- Second-hand claims (nested.jsonl) ----------------------------------------------------

NESTED_TEXTS: dict[str, tuple[str, list[A]]] = {}

NESTED_TEXTS["nested-01-bridge"] = (
    "The mayor said that the minister claimed the bridge is safe. Engineers disagree.\n\n"
    "According to the council report, officials warned that repair costs will rise in the "
    "spring.\n\n"
    "\"The contractor told us the work would finish in May,\" the council leader said on "
    "Monday.\n",
    [
        A("The mayor said that the minister claimed the bridge is safe.",
          ["the minister claimed the bridge is safe"], "The mayor", "said",
          stype="named person"),
        A("the minister claimed the bridge is safe", ["the bridge is safe"], "the minister",
          "claimed", stype="named person", parent=1),
        A("According to the council report, officials warned that repair costs will rise in "
          "the spring.", ["officials warned that repair costs will rise in the spring"],
          "the council report", "According to", stype="document"),
        A("officials warned that repair costs will rise in the spring",
          ["repair costs will rise in the spring"], "officials", "warned",
          stype="anonymous", parent=3),
        A("\"The contractor told us the work would finish in May,\" the council leader said",
          ["The contractor told us the work would finish in May"], "the council leader",
          "said", "direct", "named person"),
        A("The contractor told us the work would finish in May",
          ["the work would finish in May"], "The contractor", "told",
          stype="organisation", parent=5),
    ])

NESTED_TEXTS["nested-02-border"] = (
    "The report says the minister told aides that the general had warned that the border "
    "was unsafe.\n\n"
    "Police said a witness reported that the driver was speaking on the phone.\n\n"
    "The lawyer argued that the witness had confessed that he lied to the court.\n",
    [
        A("The report says the minister told aides that the general had warned that the "
          "border was unsafe.",
          ["the minister told aides that the general had warned that the border was unsafe"],
          "The report", "says", stype="document"),
        A("the minister told aides that the general had warned that the border was unsafe",
          ["the general had warned that the border was unsafe"], "the minister", "told",
          stype="named person", parent=1),
        A("the general had warned that the border was unsafe", ["the border was unsafe"],
          "the general", "had warned", stype="named person", parent=2),
        A("Police said a witness reported that the driver was speaking on the phone.",
          ["a witness reported that the driver was speaking on the phone"], "Police", "said",
          stype="organisation"),
        A("a witness reported that the driver was speaking on the phone",
          ["the driver was speaking on the phone"], "a witness", "reported",
          stype="anonymous", parent=4),
        A("The lawyer argued that the witness had confessed that he lied to the court.",
          ["the witness had confessed that he lied to the court"], "The lawyer", "argued",
          stype="named person"),
        A("the witness had confessed that he lied to the court", ["he lied to the court"],
          "the witness", "had confessed", stype="named person", parent=6),
    ])

NESTED_TEXTS["nested-03-airline"] = (
    "In a statement, the airline said regulators had confirmed that the planes were safe to "
    "fly.\n\n"
    "Residents said the landlord promised that repairs would begin soon. The landlord did not "
    "reply.\n\n"
    "A spokesperson said the agency believes that the data was never shared.\n",
    [
        A("the airline said regulators had confirmed that the planes were safe to fly.",
          ["regulators had confirmed that the planes were safe to fly"], "the airline", "said",
          stype="organisation"),
        A("regulators had confirmed that the planes were safe to fly",
          ["the planes were safe to fly"], "regulators", "had confirmed",
          stype="organisation", parent=1),
        A("Residents said the landlord promised that repairs would begin soon.",
          ["the landlord promised that repairs would begin soon"], "Residents", "said",
          stype="anonymous"),
        A("the landlord promised that repairs would begin soon", ["repairs would begin soon"],
          "the landlord", "promised", stype="named person", parent=3),
        A("A spokesperson said the agency believes that the data was never shared.",
          ["the agency believes that the data was never shared"], "A spokesperson", "said",
          stype="anonymous"),
        A("the agency believes that the data was never shared", ["the data was never shared"],
          "the agency", "believes", stype="organisation", parent=5),
    ])


def build() -> dict[str, str]:
    seed_text = (ROOT / "seeds" / "000_02d45cab8d670c28.txt").read_text(encoding="utf-8")
    seed = [record("000_02d45cab8d670c28", seed_text, SEED)]
    dev = [record(doc_id, text, spec) for doc_id, (text, spec) in DEV_TEXTS.items()]
    heldout = [record(doc_id, text, spec) for doc_id, (text, spec) in HELDOUT_TEXTS.items()]
    heldout2 = [record(doc_id, text, spec) for doc_id, (text, spec) in HELDOUT2_TEXTS.items()]
    heldout3 = [record(doc_id, text, spec) for doc_id, (text, spec) in HELDOUT3_TEXTS.items()]
    nested = [record(doc_id, text, spec) for doc_id, (text, spec) in NESTED_TEXTS.items()]

    def dump(records: list[dict]) -> str:
        return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)

    return {"seed.jsonl": dump(seed), "dev.jsonl": dump(dev), "heldout.jsonl": dump(heldout),
            "heldout2.jsonl": dump(heldout2), "heldout3.jsonl": dump(heldout3),
            "nested.jsonl": dump(nested)}


def main(argv: list[str]) -> int:
    stale = []
    for name, content in build().items():
        path = HERE / name
        if "--check" in argv:
            if not path.exists() or path.read_text(encoding="utf-8") != content:
                stale.append(name)
        else:
            path.write_text(content, encoding="utf-8")
            print(f"wrote {path.relative_to(ROOT)}")
    if stale:
        print(f"out of date: {', '.join(stale)}; run tests/gold/build_gold.py", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
