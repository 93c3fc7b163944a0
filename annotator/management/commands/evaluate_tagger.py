"""manage.py evaluate_tagger GOLD PRED: precision, recall and F1 of a tagger's output.

Both files are JSON Lines in the `pretag_jsonl` shape; documents are matched
by id. Prints, per label and for source->claim pairs, exact and overlap scores
(annotator/pretag/evaluate.py says how they are counted).
"""
from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from annotator.pretag.evaluate import format_report, read_jsonl, score_records


class Command(BaseCommand):
    help = "Score predicted spans and relations (JSON Lines) against gold ones."

    def add_arguments(self, parser):
        parser.add_argument("gold", help="gold JSON Lines (pretag_jsonl shape)")
        parser.add_argument("pred", help="predicted JSON Lines (pretag_jsonl shape)")

    def handle(self, *args, **options):
        records = []
        for path in (options["gold"], options["pred"]):
            try:
                records.append(read_jsonl(path))
            except OSError as exc:
                raise CommandError(f"{path}: {exc.strerror}.") from None
            except ValueError as exc:
                raise CommandError(str(exc)) from None
        try:
            report = score_records(*records)
        except (KeyError, TypeError) as exc:
            raise CommandError(f"a record lacks a field or has the wrong type: {exc}") from None
        self.stdout.write(format_report(report))
