"""Templates say nothing they did not mean to: Django's {# #} comments end on their own line.

A {# comment #} that runs over two lines is not a comment to Django: its text reached the
workspace page, above the breadcrumbs, for every user.
"""
import re
from pathlib import Path

TEMPLATES = Path(__file__).resolve().parents[2] / "annotator" / "templates"


def test_no_template_comment_runs_over_a_line():
    found = []
    for path in sorted(TEMPLATES.rglob("*.html")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            for opened in re.finditer(r"\{#", line):
                if "#}" not in line[opened.end():]:
                    found.append(f"{path.relative_to(TEMPLATES)}:{number}")
    assert len(list(TEMPLATES.rglob("*.html"))) > 5
    assert found == [], "use {% comment %} for comments over several lines: " + ", ".join(found)
