"""News-like articles for job tests: deterministic, distinct, with attributions in them."""
import random

PEOPLE = ["Maria Lopez", "the minister", "Ahmed Karimi", "a spokesperson", "officials",
          "Prime Minister Jane Doe", "well-informed sources", "the mayor", "Dr. Chen Wei"]
VERBS = ["said", "told reporters", "warned", "claimed", "added", "insisted"]
CLAIMS = ["the bridge will reopen next week", "prices will keep rising this winter",
          "the talks collapsed after midnight", "nobody was hurt in the fire",
          "the budget has no room for new schools", "the agreement is not final"]
FILLER = ["The city council met on Tuesday.", "Traffic was heavy in the centre.",
          "The report runs to forty pages.", "Several shops stayed closed.",
          "Rain is expected later in the week."]


def make_articles(count: int, *, seed: int = 7, sentences: int = 40) -> list[str]:
    rng = random.Random(seed)
    articles = []
    for number in range(count):
        parts = [f"Report number {number}."]
        for _ in range(sentences):
            kind = rng.random()
            who, verb, claim = rng.choice(PEOPLE), rng.choice(VERBS), rng.choice(CLAIMS)
            if kind < 0.3:
                parts.append(f"“{claim.capitalize()},” {who} {verb}.")
            elif kind < 0.55:
                parts.append(f"{who[0].upper() + who[1:]} {verb} that {claim}.")
            elif kind < 0.7:
                parts.append(f"According to {who}, {claim}.")
            else:
                parts.append(rng.choice(FILLER))
        articles.append(" ".join(parts))
    return articles
