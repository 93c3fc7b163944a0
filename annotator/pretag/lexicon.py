"""Word lists for the rule-based attribution tagger: reporting verbs and closed classes.

Everything is lower case with a straight apostrophe (see `fold`). The
reporting verbs are listed once, by lemma, with what they allow; their
inflected forms are generated, so "warn" also gives warns, warned, warning.
"""
from __future__ import annotations

from dataclasses import dataclass


def fold(word: str) -> str:
    """The lookup form of a word: lower case, curly apostrophe made straight."""
    return word.lower().replace("\u2019", "'")


@dataclass(frozen=True)
class Verb:
    lemma: str
    addressee: str = ""      # "required" (told reporters ...), "optional" (warned Putin that ...)
    quote_only: bool = False  # only frames a direct quote: "“Why?” he asked."
    belief: bool = False     # a verb of thinking, not of saying: lower confidence
    that_only: bool = False  # needs an explicit "that" (or a quote)
    as_object: bool = False  # the claim follows "as": "described the fire as “a senseless attack”"


# Flags: A = addressee required ("told reporters ..."), a = addressee optional ("warned
# Putin that ..."), q = frames direct quotes only ("“Why?” he asked"), t = belief, not
# speech, x = the claim follows "as" ("described the fire as ..."), ! = needs "that" or a
# quote. Without "!", a complement may also come without "that" ("said the deal was
# dead") when it reads as a clause (rules._Sentence.clause_like).
_VERBS = """
say | tell A | add | claim | insist | argue | assert | contend | allege | admit | concede
predict | forecast | vow | assure A | promise a | acknowledge | declare | explain | note
state | announce | report | reveal | disclose | confirm | deny | warn a | stress | emphasise
emphasize | underline | suggest | indicate | recall | reiterate | complain | boast | testify
estimate | conclude | observe | remark | caution | speculate | pledge | inform A | remind A
notify A | write | tweet | find | show | demonstrate | signal | imply | hint | threaten
maintain | affirm | proclaim | agree ! | repeat ! | comment ! | reply ! | respond !
answer ! | retort !
ask q | post q | shout q | yell q | scream q | whisper q | exclaim q | cry q | joke q
quip q | laugh q | sigh q | muse q | snap q | continue q | teach q | recount q | wonder q
chant q | plead q | counter q | interject q
describe x | characterise x | characterize x | dismiss x | brand x | label x
believe t | think t | fear t | hope t | expect t | doubt t | feel t | suspect t | reckon t
guess t | consider t | know t | suppose t | understand t | worry t
"""

_IRREGULAR = {  # lemma: (past, past participle)
    "say": ("said", "said"), "tell": ("told", "told"), "write": ("wrote", "written"),
    "think": ("thought", "thought"), "find": ("found", "found"), "show": ("showed", "shown"),
    "teach": ("taught", "taught"), "know": ("knew", "known"), "feel": ("felt", "felt"),
    "understand": ("understood", "understood"), "forecast": ("forecast", "forecast"),
    "make": ("made", "made"), "go": ("went", "gone"), "put": ("put", "put"),
}
_DOUBLE_FINAL = {"admit", "quip", "snap", "regret", "commit", "submit", "omit"}


def s_form(word: str) -> str:
    """A verb's third person singular, or a noun's plural: "warns", "pledges", "denies"."""
    if word.endswith(("s", "sh", "ch", "x", "z")):
        return word + "es"
    if word.endswith("y") and word[-2] not in "aeiou":
        return word[:-1] + "ies"
    return word + "s"


def inflect(lemma: str, irregular: dict[str, tuple[str, str]] | None = None,
            double_final: set[str] | frozenset[str] | None = None) -> dict[str, str]:
    """{form: kind} with kind in base, s, past, pp, ing; `irregular` (lemma: (past, past
    participle)) and `double_final` (lemmas that double their last letter) default to the
    reporting verbs' tables."""
    irregular = _IRREGULAR if irregular is None else irregular
    double_final = _DOUBLE_FINAL if double_final is None else double_final
    third = s_form(lemma)
    if lemma in double_final:
        stem = lemma + lemma[-1]
        past, ing = stem + "ed", stem + "ing"
    elif lemma.endswith("e") and not lemma.endswith("ee"):
        past, ing = lemma + "d", lemma[:-1] + "ing"
    elif lemma.endswith("y") and lemma[-2] not in "aeiou":
        past, ing = lemma[:-1] + "ied", lemma + "ing"
    else:
        past, ing = lemma + "ed", lemma + "ing"
    pp = past
    if lemma in irregular:
        past, pp = irregular[lemma]
    forms = {lemma: "base", third: "s", ing: "ing"}
    forms.setdefault(pp, "pp")
    forms[past] = "past"   # "said" is past and participle: past wins, "was said" still reads
    return forms


def _load() -> tuple[dict[str, Verb], dict[str, tuple[Verb, str]]]:
    verbs, forms = {}, {}
    for entry in _VERBS.replace("\n", "|").split("|"):
        parts = entry.split()
        if not parts:
            continue
        lemma, flags = parts[0], (parts[1] if len(parts) > 1 else "")
        verb = Verb(lemma=lemma,
                    addressee="required" if "A" in flags else "optional" if "a" in flags else "",
                    quote_only="q" in flags, belief="t" in flags, that_only="!" in flags,
                    as_object="x" in flags)
        verbs[lemma] = verb
        for form, kind in inflect(lemma).items():
            forms.setdefault(form, (verb, kind))
    return verbs, forms


VERBS, VERB_FORMS = _load()

# Cue phrases of several words: (words, kind, form), longest first. "verb" phrases
# act like a reporting verb with a subject ("X has made clear that ..."; the form
# is that of their first word, "record" for "is on record"); "according" takes
# its source after it; "put_it" only frames "As X put it, ...".
_MAKE = {"made": "past", "make": "base", "makes": "s", "making": "ing"}
_GO = {"went": "past", "go": "base", "goes": "s", "going": "ing"}
_POINT = {"pointed": "past", "point": "base", "points": "s", "pointing": "ing"}
MULTIWORD_CUES: list[tuple[tuple[str, ...], str, str]] = sorted([
    (("according", "to"), "according", ""),
    (("in", "the", "words", "of"), "according", ""),
    *[((word, "as", "saying"), "verb", "pp") for word in ("quoted", "cited")],
    *[(("on", "record") + tail, "verb", "record")
      for tail in (("as", "saying"), ("stating",), ("saying",), ())],
    *[((word, "clear"), "verb", form) for word, form in _MAKE.items()],
    *[((word, "it", "clear"), "verb", form) for word, form in _MAKE.items()],
    *[((word, "out"), "verb", form) for word, form in _POINT.items()],
    *[((word, "on", "to", "say"), "verb", form) for word, form in _GO.items()],
    (("put", "it"), "put_it", "past"), (("puts", "it"), "put_it", "s"),
], key=lambda item: -len(item[0]))
MULTIWORD_FIRST = {words[0] for words, _, _ in MULTIWORD_CUES}
MULTIWORD_BY_FIRST: dict[str, list[tuple[tuple[str, ...], str, str]]] = {}
for _entry in MULTIWORD_CUES:
    MULTIWORD_BY_FIRST.setdefault(_entry[0][0], []).append(_entry)

# "according to plan" attributes nothing.
NOT_SOURCES = {"plan", "plans", "schedule", "script", "tradition", "custom", "form"}

BE = {"is", "are", "was", "were", "be", "been", "being", "am", "'s", "isn't", "aren't",
      "wasn't", "weren't"}
AUXILIARIES = BE | {
    "has", "have", "had", "having", "do", "does", "did", "will", "would", "shall", "should",
    "can", "could", "may", "might", "must", "cannot", "hasn't", "haven't", "hadn't", "don't",
    "doesn't", "didn't", "won't", "wouldn't", "can't", "couldn't", "shouldn't", "mustn't",
    "mightn't", "'ll", "'d", "'ve"}
NEGATIONS = {"not", "never", "n't"}

# Adverbs that sit between a subject and its verb ("X also said", "X has repeatedly
# warned"). Between an auxiliary and the verb any -ly word is accepted as well.
ADVERBS = {
    "also", "further", "later", "previously", "repeatedly", "once", "then", "again",
    "publicly", "privately", "recently", "earlier", "now", "reportedly", "allegedly",
    "apparently", "clearly", "explicitly", "openly", "firmly", "strongly", "flatly",
    "separately", "simply", "only", "just", "still", "already", "often", "always", "never",
    "frequently", "immediately", "initially", "originally", "subsequently", "finally",
    "angrily", "bluntly", "candidly", "calmly", "quietly", "loudly", "proudly", "reportedly",
    "even", "long", "first", "since", "nonetheless", "however", "too", "personally",
    "herself", "himself", "themselves", "itself", "ever", "rightly", "wrongly", "falsely",
    "correctly", "confidently", "emphatically", "categorically", "consistently", "today",
    "yesterday", "tonight",
}

DETERMINERS = {
    "the", "a", "an", "this", "these", "those", "his", "her", "its", "their", "our", "my",
    "your", "some", "any", "no", "every", "each", "all", "both", "several", "many", "few",
    "most", "another", "other", "such", "either", "neither", "two", "three", "four", "five",
    "six", "seven", "eight", "nine", "ten", "dozens", "hundreds", "thousands", "one", "more",
}
SUBJECT_PRONOUNS = {"i", "you", "he", "she", "it", "we", "they"}
OBJECT_PRONOUNS = {"me", "you", "him", "her", "it", "us", "them"}
RELATIVES = {"who", "which", "that", "whom", "whose"}

CONJUNCTIONS = {"and", "or", "but", "nor", "so", "yet", "&"}
SUBORDINATORS = {
    "because", "although", "though", "while", "whereas", "if", "unless", "when", "whenever",
    "where", "wherever", "since", "until", "till", "as", "than", "that", "which", "who",
    "whom", "whose", "what", "whether", "how", "why", "whilst", "despite", "once",
    "notwithstanding", "lest",
}
PREPOSITIONS = {
    "of", "in", "on", "at", "by", "for", "with", "from", "to", "into", "onto", "over",
    "under", "about", "against", "between", "among", "amongst", "through", "during",
    "without", "within", "across", "after", "before", "behind", "beyond", "near", "toward",
    "towards", "upon", "via", "like", "including", "per", "amid", "around", "outside",
    "inside", "throughout", "off", "up", "down", "along", "despite", "following", "than",
}
# Prepositions that can sit inside a source noun phrase: "people familiar with
# the talks", "a spokesman for the ministry", "officials in Kyiv", "a review by the IFS".
NP_PREPOSITIONS = {"of", "for", "in", "at", "from", "with", "like", "on", "within", "to", "by"}
# "to" only after these: "close to the talks", "an adviser to the president".
TO_HEADS = {"close", "closer", "near", "loyal", "adviser", "advisor", "advisers", "advisors",
            "aide", "aides", "ambassador", "envoy", "assistant", "counsel", "consultant",
            "successor", "deputy", "secretary", "spokesman", "spokeswoman", "spokesperson",
            "minister", "linked", "allied", "attached"}

# Sentence-initial words that link to the previous sentence and belong to no clause.
CONNECTORS = {
    "and", "but", "so", "yet", "still", "however", "meanwhile", "moreover", "furthermore",
    "also", "instead", "indeed", "then", "now", "thus", "hence", "besides", "nevertheless",
    "nonetheless", "otherwise", "similarly", "likewise", "finally", "first", "second",
    "separately", "overall", "again", "or", "plus", "though", "even", "in", "addition",
}

TIME_WORDS = {
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "today",
    "yesterday", "tonight", "tomorrow", "morning", "afternoon", "evening", "night", "week",
    "weekend", "month", "year", "day", "days", "weeks", "months", "years", "january",
    "february", "march", "april", "may", "june", "july", "august", "september", "october",
    "november", "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept",
    "oct", "nov", "dec", "earlier", "later", "recently", "hour", "hours", "minutes", "ago",
}
# Heads of the adjuncts a reporting verb often carries: "said in a statement",
# "told the BBC in an interview", "said at a news conference".
ADJUNCT_HEADS = TIME_WORDS | {
    "statement", "statements", "interview", "speech", "briefing", "conference", "post",
    "tweet", "letter", "email", "e-mail", "message", "broadcast", "podcast", "video",
    "filing", "hearing", "session", "meeting", "radio", "television", "tv", "call",
    "telephone", "phone", "remarks", "address", "blog", "newsletter", "op-ed", "column",
    "article", "book", "memoir", "communique", "comments", "testimony", "rally", "summit",
    "event", "forum", "panel", "debate", "programme", "program", "platform", "page",
    "account", "media",
}

# -ed words that are usually adjectives inside a noun phrase, not verbs.
ED_ADJECTIVES = {
    "unnamed", "unidentified", "alleged", "informed", "well-informed", "armed", "retired",
    "elected", "concerned", "interested", "affected", "displaced", "related", "based",
    "qualified", "experienced", "advanced", "united", "limited", "appointed", "designated",
    "respected", "trusted", "renowned", "skilled", "talented", "masked", "wounded",
    "injured", "jailed", "exiled", "ousted", "embattled", "beleaguered", "self-proclaimed",
    "so-called", "named", "detained", "registered", "licensed", "certified", "accredited",
    "indicted", "accused", "disgraced", "veteran", "seasoned", "unnamed", "hundred",
    "aged", "red", "bed", "shed", "need", "seed", "feed", "speed", "creed", "greed", "deed",
    "embed", "unarmed", "uninformed", "disaffected", "aggrieved", "bereaved", "deceased",
    "distinguished", "esteemed", "fired", "dismissed", "suspended", "sacked", "married",
}

# Common irregular verb forms: they end a noun phrase ("The US hit the cars").
# Forms that are just as often nouns or adjectives (cut, set, hit, left) are left out.
IRREGULAR_VERBS = {
    "arose", "arisen", "became", "become", "began", "begun", "bit", "bitten", "blew",
    "blown", "broke", "brought", "built", "bought", "caught", "chose", "chosen", "came",
    "dealt", "did", "does", "done", "drew", "drawn", "drank", "drove", "driven", "ate",
    "eaten", "fell", "fallen", "fought", "fled", "flew", "flown", "forgot", "forgotten",
    "forgave", "froze", "frozen", "got", "gotten", "gave", "given", "went", "gone", "grew",
    "grown", "heard", "hid", "hidden", "held", "kept", "knew", "known", "laid", "led",
    "lost", "made", "meant", "met", "paid", "ran", "rang", "rode", "rose", "risen", "saw",
    "seen", "sought", "sold", "sent", "shook", "shaken", "shone", "showed", "shown",
    "sang", "sank", "sat", "slept", "spoke", "spoken", "spent", "stood", "stole", "stolen",
    "struck", "swore", "sworn", "swept", "swam", "took", "taken", "taught", "tore", "torn",
    "threw", "thrown", "understood", "woke", "wore", "won", "withdrew", "withdrawn",
    "wrote", "written", "felt", "found", "thought", "told", "said", "has", "have", "had",
    "is", "are", "was", "were", "goes", "says", "gets", "makes", "takes", "gives", "seems",
    "seemed", "remains", "became", "wants", "needs", "means", "knows", "thinks",
}

# Verbs that, after a subject pronoun, show a clause: "I think you miss something".
WH_STARTS = {"whether", "if", "how", "why", "what", "when", "where", "who", "which", "whom"}
NOT_CLAUSE_STARTS = WH_STARTS | PREPOSITIONS | {"nothing", "goodbye", "so", "yes", "as",
                                                "hello", "thanks", "sorry", "little",
                                                "much", "anything", "something", "to"}

ABBREVIATIONS = {
    "mr", "mrs", "ms", "dr", "prof", "gen", "col", "lt", "sgt", "capt", "cmdr", "adm", "gov",
    "sen", "rep", "st", "jr", "sr", "inc", "ltd", "co", "corp", "no", "vs", "etc", "e.g",
    "i.e", "jan", "feb", "aug", "sept", "sep", "oct", "nov", "dec", "u.s", "u.k", "u.n",
    "rev", "hon", "fr", "pres", "supt", "insp", "det", "maj", "brig", "mt", "ft", "approx",
    "dept", "est", "fig", "al", "op", "cf", "p", "pp", "vol", "govt",
}

# Heads that tell what kind of source a noun phrase names.
ANONYMOUS_HEADS = {
    "source", "sources", "official", "officials", "spokesperson", "spokesman", "spokeswoman",
    "spokespeople", "spokespersons", "spokesmen", "spokeswomen", "person", "people",
    "insider", "insiders", "diplomat", "diplomats", "aide", "aides", "witness", "witnesses",
    "resident", "residents", "observer", "observers", "employee", "employees", "staff",
    "member", "members", "someone", "somebody", "one", "others", "officer", "officers",
    "executive", "executives", "adviser", "advisers", "advisor", "advisors", "analyst",
    "analysts", "expert", "experts", "critic", "critics", "activist", "activists",
    "supporter", "supporters", "leader", "leaders", "authorities", "negotiator",
    "negotiators", "investigator", "investigators", "scientist", "scientists", "researcher",
    "researchers", "doctor", "doctors", "lawmaker", "lawmakers", "legislator", "legislators",
    "engineer", "engineers", "fishermen", "farmers", "workers", "voters", "commander",
    "commanders", "soldier", "soldiers", "economist", "economists", "man", "woman", "men",
    "women", "friend", "friends", "relative", "relatives", "neighbour", "neighbours",
    "neighbor", "neighbors", "colleague", "colleagues", "lawyer", "lawyers", "attorney",
    "attorneys", "prosecutor", "prosecutors", "warhawks", "hardliners",
}
DOCUMENT_HEADS = {
    "report", "reports", "statement", "statements", "study", "studies", "survey", "surveys",
    "poll", "polls", "document", "documents", "letter", "letters", "memo", "memos",
    "filing", "filings", "data", "figures", "website", "analysis", "research", "paper",
    "papers", "ruling", "indictment", "complaint", "article", "book", "post", "tweet",
    "records", "minutes", "transcript", "census", "communique", "release", "guidelines",
    "assessment", "estimates", "review", "audit", "findings", "evidence", "email", "emails",
    "newspaper", "magazine", "blog", "footage", "video", "documents", "cable", "cables",
    "note", "notes", "summary", "draft", "proposal", "order", "decree", "law", "resolution",
}
ORGANISATION_WORDS = {
    "government", "ministry", "department", "agency", "company", "firm", "party", "army",
    "military", "council", "committee", "commission", "court", "parliament", "congress",
    "senate", "office", "bank", "union", "group", "organisation", "organization",
    "institute", "university", "school", "hospital", "board", "authority", "administration",
    "campaign", "team", "club", "league", "network", "channel", "embassy", "coalition",
    "alliance", "federation", "association", "foundation", "corporation", "inc", "ltd",
    "corp", "co", "plc", "llc", "gmbh", "ag", "sa", "service", "services", "forces", "navy",
    "leadership", "cabinet", "presidency", "kremlin", "pentagon", "reuters", "press",
    "times", "post", "news", "bbc", "cnn", "afp", "ap", "un", "nato", "eu", "who", "imf",
    "centre", "center", "fund", "regime", "state", "states", "house", "police", "faction",
    "firms", "companies", "governments", "ministries", "agencies", "parties", "insurers",
    "herald", "journal", "tribune", "guardian", "telegraph", "gazette", "daily", "media",
    "newspaper", "broadcaster", "outlet", "agency", "ministry", "company",
}
PERSON_TITLES = {
    "mr", "mrs", "ms", "dr", "prof", "professor", "president", "minister", "prime",
    "secretary", "senator", "sen", "rep", "representative", "governor", "gov", "mayor",
    "general", "gen", "colonel", "col", "captain", "capt", "chancellor", "king", "queen",
    "prince", "princess", "sheikh", "sayyed", "sayyid", "ayatollah", "imam", "pope",
    "judge", "justice", "chairman", "chairwoman", "chair", "director", "chief", "ceo",
    "founder", "investor", "leader", "commander", "ambassador", "envoy", "spokesman",
    "spokeswoman", "spokesperson", "lord", "lady", "sir", "dame", "rabbi", "bishop",
    "cardinal", "father", "sister", "brother", "officer", "sergeant", "lieutenant",
    "admiral", "marshal", "deputy", "vice", "author", "forecaster", "engineer", "member",
}

# States and capitals speak as organisations ("Iran responded that ...",
# "Washington has sent letters ..."): a short list of the frequent ones.
PLACES_AS_ACTORS = {
    "afghanistan", "algeria", "argentina", "armenia", "australia", "austria", "azerbaijan",
    "bahrain", "bangladesh", "belarus", "belgium", "bolivia", "brazil", "britain", "bulgaria",
    "cambodia", "canada", "chile", "china", "colombia", "croatia", "cuba", "cyprus",
    "czechia", "denmark", "egypt", "estonia", "ethiopia", "finland", "france", "georgia",
    "germany", "ghana", "greece", "hungary", "india", "indonesia", "iran", "iraq", "ireland",
    "israel", "italy", "japan", "jordan", "kazakhstan", "kenya", "kosovo", "kuwait",
    "latvia", "lebanon", "libya", "lithuania", "malaysia", "mali", "mexico", "moldova",
    "morocco", "myanmar", "nepal", "netherlands", "nigeria", "norway", "oman", "pakistan",
    "palestine", "peru", "philippines", "poland", "portugal", "qatar", "romania", "russia",
    "rwanda", "serbia", "singapore", "slovakia", "slovenia", "somalia", "spain", "sudan",
    "sweden", "switzerland", "syria", "taiwan", "tanzania", "thailand", "tunisia", "turkey",
    "uganda", "ukraine", "uk", "us", "usa", "venezuela", "vietnam", "yemen", "zimbabwe",
    "washington", "moscow", "beijing", "tehran", "kyiv", "kiev", "london", "paris", "berlin",
    "brussels", "ankara", "riyadh", "cairo", "delhi", "tokyo", "seoul", "pyongyang",
    "jerusalem", "damascus", "baghdad", "kabul", "islamabad", "ottawa", "canberra", "madrid",
    "rome", "warsaw", "minsk", "tripoli", "beirut", "doha", "amman", "caracas", "havana",
    "brasilia", "nairobi", "pretoria", "abuja", "hanoi", "manila", "jakarta", "bangkok",
    "whitehall", "westminster", "downing",
}
