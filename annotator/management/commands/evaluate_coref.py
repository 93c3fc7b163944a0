"""manage.py evaluate_coref GOLD [--errors]: how well the entity resolver links SOURCE mentions.

GOLD is a file like tests/gold/coref/dev.jsonl (annotator/pretag/coref/evaluate.py says its
shape and how links and B-cubed are counted). Prints a table of link precision and
recall, with --errors every mention linked otherwise than the gold says, and with
--tagger NAME the links made on the SOURCE spans that tagger finds (end to end).
"""
from __future__ import annotations


from django.core.management.base import BaseCommand, CommandError

from annotator.pretag.coref import resolver_label
from annotator.pretag import get_tagger
from annotator.pretag.coref.evaluate import gold_load, score, score_with_tagger, scores_table


class Command(BaseCommand):
    help = "Score the entity resolver's links against a gold set of marked-up documents."

    def add_arguments(self, parser):
        parser.add_argument("gold", help="gold file (tests/gold/coref/dev.jsonl's shape)")
        parser.add_argument("--errors", action="store_true", help="list every wrong link")
        parser.add_argument("--tagger", help="also score links end to end, on the SOURCE spans "
                                             "this tagger finds (e.g. rules-attribution)")

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
        if options["tagger"]:
            try:
                tagger = get_tagger(options["tagger"])
            except (KeyError, ValueError) as exc:
                raise CommandError(str(exc)) from None
            counts = score_with_tagger(entities, documents, tagger)
            self.stdout.write(f"\nEnd to end, on the SOURCE spans of {tagger.name} "
                              f"{tagger.version}: gold {counts.gold}, predicted "
                              f"{counts.predicted}, right {counts.right}, precision "
                              f"{_shown(counts.precision)}, recall {_shown(counts.recall)}")
        if options["errors"]:
            self.stdout.write("\n".join(["", "Wrong links:", *scores.errors]))


def _shown(value) -> str:
    return "-" if value is None else f"{value:.3f}"
