"""The benchmark's data: article texts and distinct span offsets. Pure functions.

Shared by the seeding step (which stores texts and a pre-annotated document)
and the HTTP driver (which sends spans with their quotes), so both sides agree
on every offset without passing the texts around twice.
"""
from __future__ import annotations

LABELS = ("CLAIM", "SOURCE", "CUE")

# Curly quotes, a no-break space, an accented name and an emoji (one code point
# in Python, two UTF-16 units in a browser): offsets must stay code points.
SENTENCES = (
    "“The deal is dead,” the minister said on Tuesday, “and nobody will revive it.”",
    "According to two officials familiar with the talks, the negotiators left without "
    "a date for another meeting.",
    "José Álvarez, a spokesman for the union, told reporters that the strike would go on.",
    "The ministry warned that prices could rise by as much as 12\u00a0per cent next year.",
    "Well-informed sources say the board had already approved the sale in March 📈.",
    "A report published by the central bank claims that inflation has peaked.",
    "“We were never consulted,” said the mayor, who called the plan a betrayal.",
    "Analysts at the bank expect the economy to grow by 1.5 per cent, the paper reported.",
)

# Spans are at most this long, and never start in the text's last stretch.
MAX_SPAN = 100


def article_text(number: int, sentences: int = 80) -> str:
    """A news-like text of about 7,000 code points, different for every number."""
    body = " ".join(SENTENCES[(number + i) % len(SENTENCES)] for i in range(sentences))
    paragraphs = [body[i:i + 900] for i in range(0, len(body), 900)]
    return f"Article {number}\n\n" + "\n\n".join(p.strip() for p in paragraphs)


def span_offsets(index: int, length: int) -> tuple[str, int, int]:
    """The index-th (label, start, end) for one annotator on a text of this length.

    Distinct for distinct indexes (the API refuses a duplicate with 409):
    labels cycle; within a label, starts walk the text and every further
    round makes the span one code point longer.
    """
    if length <= MAX_SPAN:
        raise ValueError(f"a text of {length} code points is too short for the benchmark")
    label = LABELS[index % len(LABELS)]
    usable = length - MAX_SPAN
    step, rounds = index // len(LABELS), MAX_SPAN - 45
    start, round_number = step % usable, step // usable
    if round_number >= rounds:
        raise ValueError(f"more spans than a text of {length} code points can hold distinctly")
    end = start + 3 + start % 40 + round_number
    return label, start, end


def span_body(index: int, text: str) -> dict:
    """The JSON body of POST /api/documents/{id}/spans/ for the index-th span."""
    label, start, end = span_offsets(index, len(text))
    return {"label": label, "start": start, "end": end, "quote": text[start:end]}
