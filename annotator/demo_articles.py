"""The quick start's newsroom: short news-like articles made up here, with their labels.

Pure (no database): `articles()` writes the same articles, in the same order, every time
(a fixed seed). Every outlet, person, organisation, place and quote is invented for the
demo (the town of Port Aldine and its harbour), so that the explorer has something real
to show without any real corpus. Each article comes with its labels as plain data:
CLAIM, SOURCE and CUE spans as code-point offsets into its text, the attributions that
link them (with their attributes), and the source entity each SOURCE span stands for
(a named source by full name, surname or title; a pronoun that refers back to it;
anonymous sources as entities of type "anonymous"). services/demo_newsroom.py stores them.
"""
from __future__ import annotations

import datetime
import random
from dataclasses import dataclass, field

SEED = 20260104
ARTICLE_COUNT = 96
FIRST_DAY = datetime.date(2025, 1, 6)
DAYS = 350  # the articles' dates spread over about twelve months

OUTLETS = ("The Aldine Courier", "Harbour Gazette", "Northgate Evening Post", "Valley Ledger")
AUTHORS = ("Mira Castell", "Jon Ebbesen", "Priya Lund", "Tomas Herrera", "Ines Vogt",
           "Kofi Mensah")


@dataclass(frozen=True)
class Entity:
    key: str
    name: str
    type: str                  # an EntityType value
    aliases: tuple[str, ...] = ()
    later: tuple[str, ...] = ()  # how an article names it the second time
    pronoun: str = ""          # "she", "he", "it": a mention that refers back
    source_type: str = "named person"  # the attribution's attribute
    the: bool = False          # written "the Coastal Water Board" in running text
    cues: tuple[str, ...] = ()  # its own cues ("found"), else SAID and INDIRECT


PEOPLE = (
    Entity("vollmer", "Hanna Vollmer", "person", ("Vollmer", "the finance minister"),
           ("Vollmer", "the finance minister"), "she"),
    Entity("renn", "Tobias Renn", "person", ("Renn", "the mayor", "Mayor Renn"),
           ("Renn", "the mayor"), "he"),
    Entity("okafor", "Amara Okafor", "person", ("Dr. Okafor", "Okafor"), ("Dr. Okafor",), "she"),
    Entity("lindqvist", "Erik Lindqvist", "person", ("Lindqvist",), ("Lindqvist",), "he"),
    Entity("sato", "Yuki Sato", "person", ("Sato",), ("Sato",), "she"),
    Entity("brandt", "Felix Brandt", "person", ("Brandt", "the opposition leader"),
           ("Brandt",), "he"),
    Entity("moreau", "Celine Moreau", "person", ("Moreau",), ("Moreau",), "she"),
)
ORGANISATIONS = (
    Entity("port", "Port Aldine Harbour Authority", "organisation", ("the harbour authority",),
           ("the harbour authority",), "it", "organisation", True),
    Entity("water", "Coastal Water Board", "organisation", ("the water board",),
           ("the water board",), "it", "organisation", True),
    Entity("union", "Federation of Dock Workers", "organisation", ("the dockers' union",),
           ("the union",), "it", "organisation", True),
    Entity("institute", "Institute for Harbour Studies", "organisation", ("the institute",),
           ("the institute",), "", "organisation", True),
)
ANONYMOUS = (
    Entity("officials", "Officials familiar with the talks", "anonymous",
           ("people close to the negotiations",), source_type="anonymous"),
    Entity("ministry", "A senior ministry official", "anonymous",
           ("a ministry official who asked not to be named",), source_type="anonymous"),
    Entity("insider", "A person with knowledge of the plan", "anonymous",
           ("someone briefed on the plan",), source_type="anonymous"),
)
DOCUMENTS = (
    Entity("audit", "The harbour audit", "document", ("the audit report",), ("the audit",),
           "", "document", cues=("found", "concluded", "noted")),
)
ENTITIES = PEOPLE + ORGANISATIONS + ANONYMOUS + DOCUMENTS

# What the people and bodies of Port Aldine say, by topic: (claim, claim_type). Numbers
# in {braces} are drawn per article.
TOPICS = {
    "the harbour expansion": {
        "title": ("Harbour expansion costs rise again",
                  "New quay plan passes a divided council",
                  "Dredging bill puts the harbour plan in doubt",
                  "Harbour jobs promise meets a sceptical union",
                  "Quay contract under scrutiny"),
        "who": ("vollmer", "renn", "port", "union", "officials", "institute", "audit"),
        "claims": (
            ("the second quay | will be finished by {year}", "prediction"),
            ("the expansion will cost {n:12/18/40} million crowns more than planned", "fact"),
            ("the plan | is the best chance the town has had in a generation", "opinion"),
            ("nobody has explained who pays for the dredging", "opinion"),
            ("the contract was signed without a second bid", "fact"),
            ("ships | will wait half as long once the new berths open", "prediction"),
            ("{n:400/650/1,200} jobs depend on the project going ahead", "fact"),
        )},
    "water rationing": {
        "title": ("Water limits stay for a dry summer",
                  "Low reservoirs revive the pipe debate",
                  "Farmers ask for relief from water limits",
                  "Water board defends its pipe repairs",
                  "Hosepipe ban to stay, water board says"),
        "who": ("water", "okafor", "renn", "brandt", "ministry", "institute"),
        "claims": (
            ("the reservoirs are at {n:38/41/55} percent of their usual level", "fact"),
            ("rationing | could last until the autumn rains", "prediction"),
            ("households have cut their use by a fifth", "fact"),
            ("the limits hit small farms hardest", "opinion"),
            ("the old pipes | lose more water than the town drinks", "fact"),
            ("a desalination plant would pay for itself in {n:8/12/15} years", "prediction"),
        )},
    "the transit strike": {
        "title": ("Tram drivers walk out of strike talks",
                  "Transit strike goes into a second week",
                  "Strike talks resume as trams stay in depots",
                  "Shops count the cost of the tram strike",
                  "New rota at the heart of the tram dispute"),
        "who": ("union", "lindqvist", "renn", "officials", "insider", "moreau"),
        "claims": (
            ("the drivers | will stay out until the new rota is withdrawn", "prediction"),
            ("the offer on the table is {n:4/6/7} percent over three years", "fact"),
            ("the strike | is costing shops in the old town dearly", "opinion"),
            ("a deal could be reached before the weekend", "prediction"),
            ("the rota asks drivers to work {n:6/10/12} hours more a month", "fact"),
            ("the town has treated its drivers with contempt", "opinion"),
        )},
    "the hospital waiting lists": {
        "title": ("Hospital waiting times grow, new figures show",
                  "Evening clinics divide doctors",
                  "Nurses leave as waiting lists lengthen",
                  "District hospital short of nurses",
                  "New clinic promised for the old town"),
        "who": ("okafor", "sato", "brandt", "ministry", "audit", "institute"),
        "claims": (
            ("patients wait an average of {n:9/14/19} weeks for a first appointment", "fact"),
            ("the new clinic | will halve the waiting list within a year", "prediction"),
            ("the figures | are worse than anyone admitted", "opinion"),
            ("{n:40/65/90} nurses left the district hospital last year", "fact"),
            ("the evening clinics are working", "opinion"),
        )},
    "the town budget": {
        "title": ("Budget gap widens before the election",
                  "Council budget brings spending cuts",
                  "Reserve fund shrinks as the budget gap grows",
                  "Road spending doubles as the council tightens its belt",
                  "No tax rise before the vote, council says"),
        "who": ("vollmer", "renn", "brandt", "moreau", "ministry", "insider", "audit"),
        "claims": (
            ("the town faces a gap of {n:18/24/31} million crowns next year", "fact"),
            ("taxes will not rise before the election", "prediction"),
            ("the cuts | fall on the people least able to bear them", "opinion"),
            ("the reserve fund will be empty by {year}", "prediction"),
            ("spending on roads has doubled in five years", "fact"),
            ("the budget | is honest about the hard choices", "opinion"),
        )},
}

SAID = ("said", "told reporters", "warned", "insisted", "argued", "added", "noted")
INDIRECT = ("said that", "warned that", "claimed that", "told the council that",
            "argued that", "suggested that")
LEADS = ("the row over {topic} went on this week.", "{topic} came up at the council again.",
         "there was no end in sight to the quarrel over {topic}.",
         "{topic} divided the town again this week.")
CONNECTIVES = ("Meanwhile, ", "Earlier this week, ", "On Tuesday, ", "In a statement, ",
               "Later, ", "")


@dataclass
class Article:
    title: str
    text: str
    outlet: str
    author: str
    date: datetime.date
    spans: list[tuple[str, str, int, int]] = field(default_factory=list)  # key, label, start, end
    # (claim keys, source key or None, cue key or None, attributes)
    attributions: list[tuple[list[str], str | None, str | None, dict]] = field(
        default_factory=list)
    mentions: dict[str, str] = field(default_factory=dict)  # SOURCE span key → entity key


class _Writer:
    """The article's text, written piece by piece; a labelled piece becomes a span."""

    def __init__(self, article: Article):
        self.article, self.parts, self.length = article, [], 0

    def put(self, piece: str, label: str | None = None) -> str | None:
        key = None
        if label:
            key = f"s{len(self.article.spans)}"
            self.article.spans.append((key, label, self.length, self.length + len(piece)))
        self.parts.append(piece)
        self.length += len(piece)
        return key

    def paragraph(self) -> None:
        if self.parts and self.parts[-1].endswith(" "):  # a sentence's ". ": end it "."
            self.parts[-1], self.length = self.parts[-1][:-1], self.length - 1
        self.put("\n\n")


def _capital(piece: str) -> str:
    return piece[:1].upper() + piece[1:]


def _claim(rng: random.Random, topic: dict, used: set) -> tuple[str, str]:
    choices = [c for c in topic["claims"] if c[0] not in used] or list(topic["claims"])
    template, kind = rng.choice(choices)
    used.add(template)
    if "{n:" in template:  # "{n:3/6/12}": one of these numbers
        before, _, rest = template.partition("{n:")
        numbers, _, after = rest.partition("}")
        template = before + rng.choice(numbers.split("/")) + after
    return template.format(year=rng.choice((2026, 2027, 2028))), kind


def _said_name(entity: Entity, name: str, at_start: bool) -> str:
    if entity.the and name == entity.name:
        name = f"the {name}"
    if at_start:
        return _capital(name)
    return name[:1].lower() + name[1:] if entity.type in ("anonymous", "document") else name


def _sentence(rng: random.Random, w: _Writer, article: Article, entity: Entity, named: set,
              claim: str, kind: str, last: Entity | None, pronoun_before: bool) -> bool:
    """One attributed sentence; the source named in full the first time, then by a later
    name, or by its pronoun when it was the previous sentence's source. A claim with a
    "|" may be quoted in two fragments around its cue."""
    if entity.key not in named or not (entity.later or entity.pronoun):
        name = entity.name if entity.type != "anonymous" else rng.choice(
            (entity.name, *entity.aliases))
        named.add(entity.key)
    elif last is entity and entity.pronoun and not pronoun_before:
        name = entity.pronoun
    else:
        name = rng.choice(entity.later)
    attributes = {"source_type": entity.source_type, "claim_type": kind}
    shapes = ["direct", "direct", "indirect", "according"]
    if "|" in claim:
        shapes.append("split")
    if name == entity.pronoun:
        shapes = ["direct", "indirect"]
    if entity.type == "document":  # a report is not quoted aloud
        shapes = ["indirect", "according"]
    shape = rng.choice(shapes)
    whole = claim.replace("| ", "")
    if shape == "direct":
        w.put("“")
        claims = [w.put(_capital(whole), "CLAIM")]
        w.put(",” ")
        s = w.put(_said_name(entity, name, False), "SOURCE")
        w.put(" ")
        q = w.put(rng.choice(entity.cues or SAID), "CUE")
        w.put(". ")
    elif shape == "split":
        head, _, tail = claim.partition(" | ")
        w.put("“")
        first = w.put(_capital(head), "CLAIM")
        w.put(",” ")
        s = w.put(_said_name(entity, name, False), "SOURCE")
        w.put(" ")
        q = w.put("said", "CUE")
        w.put(", “")
        claims = [first, w.put(tail, "CLAIM")]
        w.put(".” ")
    elif shape == "according":
        q = w.put("According to", "CUE")
        w.put(" ")
        s = w.put(_said_name(entity, name, False), "SOURCE")
        w.put(", ")
        claims = [w.put(whole, "CLAIM")]
        w.put(". ")
    else:
        connective = rng.choice(CONNECTIVES)
        w.put(connective)
        s = w.put(_said_name(entity, name, not connective), "SOURCE")
        w.put(" ")
        q = w.put(rng.choice([f"{c} that" for c in entity.cues] or INDIRECT), "CUE")
        w.put(" ")
        claims = [w.put(whole, "CLAIM")]
        w.put(". ")
    attributes["quote_type"] = "direct" if shape in ("direct", "split") else "indirect"
    article.attributions.append((claims, s, q, attributes))
    article.mentions[s] = entity.key
    return name == entity.pronoun


def _article(rng: random.Random, number: int) -> Article:
    topic_name = rng.choice(sorted(TOPICS))
    topic = TOPICS[topic_name]
    day = FIRST_DAY + datetime.timedelta(days=(number * DAYS) // ARTICLE_COUNT
                                         + rng.randrange(3))
    article = Article(title="", text="", outlet=OUTLETS[(number + rng.randrange(2)) % 4],
                      author=rng.choice(AUTHORS), date=day)
    w = _Writer(article)
    lead = rng.choice(LEADS).format(topic=topic_name)
    w.put(f"PORT ALDINE, {day:%B} {day.day}. {_capital(lead)} ")
    by_key = {e.key: e for e in ENTITIES}
    speakers = [by_key[k] for k in rng.sample(topic["who"], k=min(3, len(topic["who"])))]
    used, named, last, pronoun = set(), set(), None, False
    for i in range(rng.randrange(3, 6)):
        again = last is not None and last.pronoun and not pronoun and rng.random() < 0.4
        entity = last if again else speakers[i % len(speakers)]
        claim, kind = _claim(rng, topic, used)
        pronoun = _sentence(rng, w, article, entity, named, claim, kind, last, pronoun)
        last = entity
        if i == 1:
            w.paragraph()
    if rng.random() < 0.3:  # a claim nobody in the article stands behind: data too
        claim, kind = _claim(rng, topic, used)
        w.put("Some in the town believe ")
        c = w.put(claim.replace("| ", ""), "CLAIM")
        w.put(".")
        article.attributions.append(([c], None, None, {"claim_type": kind}))
    article.text = "".join(w.parts).rstrip() + "\n"
    article.title = _title(rng, article, topic, by_key)
    return article


def _title(rng: random.Random, article: Article, topic: dict, by_key: dict) -> str:
    """The topic's headline, or half the time the first speaker's claim ("Vollmer: The
    second quay will be finished by 2027"), when a named person makes it."""
    claims, source, _, _ = article.attributions[0]
    speaker = by_key[article.mentions[source]]
    if speaker.type != "person" or rng.random() < 0.5:
        return rng.choice(topic["title"])
    spans = {key: (start, end) for key, _, start, end in article.spans}
    said = " ".join(article.text[slice(*spans[key])] for key in claims)
    return f"{speaker.later[0] if speaker.later else speaker.name}: {_capital(said)}"


def articles(count: int = ARTICLE_COUNT, seed: int = SEED) -> list[Article]:
    """The demo's articles, the same every time for the same count and seed."""
    rng = random.Random(seed)
    return [_article(rng, number) for number in range(count)]
