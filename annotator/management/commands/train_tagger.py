"""manage.py train_tagger TRAIN.jsonl MODEL_DIR [--dev DEV.jsonl] [--seed N]: train learned-attribution.

TRAIN.jsonl is our JSON Lines import format with spans and attributions (the
pretag_jsonl shape with "relations" is read too). MODEL_DIR receives the model
and its manifest.json: tagger version, the training data's SHA-256, counts, the
date, the parameters and, with --dev, the dev-set scores (also printed). The
same data and seed give the same model. A bad line stops everything before
anything is written (the message names the line).
"""
from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from annotator.pretag.evaluate import format_report
from annotator.pretag.learned import ModelError, TrainingDataError, train


class Command(BaseCommand):
    help = "Train the learned-attribution tagger from annotated JSON Lines into MODEL_DIR."

    def add_arguments(self, parser):
        parser.add_argument("train", help="annotated JSON Lines (spans + attributions)")
        parser.add_argument("model_dir", help="directory to write the model into")
        parser.add_argument("--dev", default=None, help="annotated JSON Lines to score on")
        parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
        parser.add_argument("--workers", type=int, default=None,
                            help="processes for reading the documents (default: up to 2)")
        parser.add_argument("--iterations", type=int, default=None,
                            help="training passes of the span model")
        parser.add_argument("--stack", action="store_true",
                            help="stack a second CRF on the first's reading (better spans, "
                                 "about half the tagging speed: see docs/pretagging.md)")

    def handle(self, *args, **options):
        params = {}
        if options["iterations"]:
            params["max_iterations"] = options["iterations"]
        if options["stack"]:
            params["stack"] = True
        try:
            manifest = train(options["train"], options["model_dir"], dev_path=options["dev"],
                             seed=options["seed"], workers=options["workers"], params=params,
                             stream=self.stderr._out, stop_on_sigterm=True)
        except (TrainingDataError, ModelError) as exc:
            raise CommandError(str(exc)) from None
        except OSError as exc:
            raise CommandError(f"{exc.filename or options['model_dir']}: {exc.strerror}.") \
                from None
        for warning in manifest["training_data"]["warnings"]:
            self.stderr.write(f"warning: {warning}")
        data = manifest["training_data"]["counts"]
        self.stdout.write(f"trained {manifest['tagger']} {manifest['tagger_version']} on "
                          f"{data['documents']} document(s), {sum(data['spans'].values())} "
                          f"span(s), {data['attributions']} attribution(s) in "
                          f"{manifest['train_seconds']} s -> {options['model_dir']}")
        if "dev" in manifest:
            self.stdout.write(f"dev scores ({manifest['dev']['file']}):")
            self.stdout.write(format_report(manifest["dev"]["report"]))
