"""Word lists of the entity resolver: pronouns, titles and the words that give a gender.

Lower case, straight apostrophes (lexicon.fold). The first-name lists are short and
general (frequent English-language first names); a name not in them has no gender until
a title ("Mr", "Ms") or a pronoun resolved to it gives one.
"""
from __future__ import annotations

from ..lexicon import ANONYMOUS_HEADS, DOCUMENT_HEADS, ORGANISATION_WORDS, PERSON_TITLES

# pronoun: (gender, plural, what it may stand for)
PRONOUNS = {
    "he": ("m", False, "person"), "him": ("m", False, "person"),
    "she": ("f", False, "person"), "her": ("f", False, "person"),
    "it": ("", False, "organisation"),
    "they": ("", True, "plural"), "them": ("", True, "plural"),
}
# Words that start a noun phrase and say whether it points back ("the", "its").
DEFINITE = {"the", "this", "that", "these", "those", "his", "her", "its", "their", "our"}
INDEFINITE = {"a", "an", "some", "several", "many", "two", "three", "four", "five", "one",
              "few", "other", "another", "both", "numerous", "various", "most", "all",
              "dozens", "hundreds", "scores", "multiple"}
# Joins capitalised words into one name: "Ministry of Health", "Juan de la Cruz".
NAME_CONNECTORS = {"of", "for", "de", "la", "van", "von", "der", "den", "bin", "al", "da",
                   "del", "du", "le", "and", "&", "on"}
# Titles before a name that give its gender.
MALE_TITLES = {"mr", "sir", "lord", "king", "prince", "sheikh", "father", "brother",
               "spokesman", "chairman", "congressman", "councilman", "businessman"}
FEMALE_TITLES = {"mrs", "ms", "miss", "dame", "lady", "queen", "princess", "sister",
                 "spokeswoman", "chairwoman", "congresswoman", "councilwoman",
                 "businesswoman"}
# Role words: a description's head, or what a title or an apposition says of a person
# ("Ana Ruiz, the health minister," is "the minister" further on).
ROLE_WORDS = (PERSON_TITLES | MALE_TITLES | FEMALE_TITLES | {
    "spokesperson", "official", "economist", "analyst", "lawyer", "attorney", "prosecutor",
    "researcher", "scientist", "doctor", "professor", "head", "manager", "owner", "coach",
    "captain", "treasurer", "chief", "executive", "candidate", "lawmaker", "senator",
    "councillor", "councilor", "superintendent", "inspector", "detective", "principal",
    "dean", "curator", "organiser", "organizer", "campaigner", "activist", "negotiator",
    "commissioner", "auditor", "regulator", "ombudsman", "pilot", "farmer", "teacher",
    "nurse", "surgeon", "architect", "historian", "author", "writer", "founder", "owner",
    "master", "editor", "producer", "director", "governor", "administrator", "registrar",
    "headteacher", "headmaster", "headmistress", "warden", "sheriff", "judge", "magistrate",
    "coroner", "spokesperson", "minister", "secretary", "premier", "chancellor",
    "harbourmaster", "harbormaster", "postmaster", "quartermaster", "stationmaster"})
# Nouns that are plural without an -s: "library staff said they ...".
COLLECTIVES = {"staff", "people", "police", "personnel", "crew", "crews", "management",
               "public", "youth", "clergy", "faculty", "military", "cattle"}
# Heads that are groups of people (EntityType.GROUP) when no name is given.
GROUP_WORDS = {"group", "groups", "coalition", "alliance", "union", "unions", "residents",
               "protesters", "campaigners", "activists", "families", "parents", "students",
               "workers", "farmers", "fishermen", "voters", "members"}
ORGANISATION_HEADS = ORGANISATION_WORDS | {"firm", "airline", "carrier", "bank", "regulator",
                                           "watchdog", "operator", "utility", "retailer",
                                           "club", "council", "charity", "ngo",
                                           "manufacturer", "supplier", "startup", "lab",
                                           "laboratory", "publisher", "studio", "brand"}
# An organisation name ends in one of these ("Acme Corp", "the Harbour Trust").
ORGANISATION_NAME_ENDS = ORGANISATION_HEADS | {"trust", "institute", "society", "agency",
                                               "organization", "organisation", "ministry",
                                               "authority", "partners", "holdings",
                                               "industries", "systems", "labs", "airways",
                                               "airlines", "group", "motors", "energy",
                                               "technologies", "bureau", "police", "fc",
                                               "foundation", "council", "union",
                                               "health", "water", "foods", "rail", "care",
                                               "pharma", "capital", "insurance", "logistics",
                                               "haulage", "transport", "mining",
                                               "oil", "gas", "telecom", "airport", "shipping",
                                               "media", "solutions", "ventures", "works"}
# "the company", "the firm": any organisation; "the regulator" is one of a kind.
GENERIC_ORGANISATIONS = {"company", "firm", "group", "organisation", "organization",
                         "business", "corporation", "club", "companies", "firms"}
ANONYMOUS = ANONYMOUS_HEADS
DOCUMENTS = DOCUMENT_HEADS

MALE_NAMES = set("""
aaron adam adrian ahmed alan albert alex alexander ali andrew angelo anthony antony arthur
ben benjamin bernard bill bob brian bruce carl carlos charles chris christopher colin daniel
david dennis derek diego dmitri donald douglas edward eric ernesto felix francis frank fred
gary george gordon graham gregory hans harold harry henry hugo ian isaac ivan jack jacob
james jason javier jeff jeremy jim joe john jonathan jorge jose joseph juan julian karl keith
kevin lars leo louis luis marcus mark martin matthew michael miguel mohammed muhammad nathan
neil nicholas nigel oliver omar oscar patrick paul pedro peter philip rafael ralph raymond
richard robert roger ronald sam samuel scott sean sergei simon stephen steven stuart thomas
tim timothy tom tony victor vincent walter william yusuf
""".split())
FEMALE_NAMES = set("""
abigail agnes alice amanda amelia amy ana andrea angela ann anna anne barbara beatrice
carla carmen caroline catherine charlotte chloe christine claire clara diana elena elizabeth
ella emily emma eva fatima fiona grace hannah helen ines irene isabel jane janet jennifer
jessica joan julia julie karen kate katherine laura lea linda lisa lucy margaret maria marie
martha mary maya megan michelle monica nadia natalia nicole nina olivia patricia paula
rachel rebecca rosa ruth sandra sara sarah sofia sophie susan teresa valentina victoria
yasmin zainab zoe
""".split())
