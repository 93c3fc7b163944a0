"""manage.py evaluate_coref GOLD [--errors]: how well the entity resolver links SOURCE mentions.

GOLD is a file like tests/gold/coref/dev.jsonl (annotator/pretag/coref/evaluate.py says its
shape and how links and B-cubed are counted). Prints a table of link precision and
recall, and with --errors every mention linked otherwise than the gold says.
"""
from __future__ import annotations


from django.core.management.base import BaseCommand, CommandError

from annotator.pretag.coref import resolver_label
from annotator.pretag.coref.evaluate import gold_load, score, scores_table


class Command(BaseCommand):
    help = "Score the entity resolver's links against a gold set of marked-up documents."

    def add_arguments(self, parser):
        parser.add_argument("gold", help="gold file (tests/gold/coref/dev.jsonl's shape)")
        parser.add_argument("--errors", action="store_true", help="list every wrong link")

    def handle(self, *args, **options):
        path = options["gold"]
        try:
            entities, documents = gold_load(path)
        except OSError as exc:
            raise CommandError(f"{path}: {exc.strerror}.") from None
        except (ValueError, KeyError, TypeError, IndexError) as exc:
            raise CommandError(f"{path}: not a gold file of entity links ({exc}).") from None
        scores = score(entities, documents)
        self.stdout.write(f"{resolver_label()} on {path}\n{scores_table(scores)}")
        if options["errors"]:
            self.stdout.write("\n".join(["", "Wrong links:", *scores.errors]))
