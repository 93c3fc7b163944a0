"""manage.py export_project PROJECT OUT --format jsonl|brat|conll|csv|doccano
                                        --layer approved|all|annotator:NAME

FORMAT: one that formats/registry.py can export.

Writes the export in this process (the API runs the same code in a worker):
OUT ending in .zip gets the zip a download gives; any other OUT is a folder
with the same files. A progress bar goes to stderr.
"""
from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from annotator.formats import registry
from annotator.formats.archive import DirectoryBundle, ZipBundle
from annotator.management.commands._transfer import ProgressBar, project_by_name_or_id
from annotator.models import Document
from annotator.services.exports import layer_parse, project_export


class Command(BaseCommand):
    help = "Export a project's labels (approved by default) with provenance."

    def add_arguments(self, parser):
        parser.add_argument("project", help="project name (or id)")
        parser.add_argument("out", help="a .zip file, or a folder")
        parser.add_argument("--format", required=True, choices=registry.export_names())
        parser.add_argument("--layer", default="approved",
                            help="approved (default), all, or annotator:USERNAME")

    def handle(self, *args, **options):
        project = project_by_name_or_id(options["project"])
        try:
            layer = layer_parse(project=project, value=options["layer"])
        except ValidationError as exc:
            raise CommandError(" ".join(exc.message_dict["layer"])) from None
        total = Document.objects.filter(project=project).count()
        bar = ProgressBar(self.stderr._out)
        out = options["out"]
        try:
            bundle = ZipBundle(out) if out.endswith(".zip") else DirectoryBundle(out)
        except OSError as exc:
            raise CommandError(f"{out}: {exc.strerror}.") from None
        with bundle:
            manifest = project_export(project=project, fmt=options["format"], layer=layer,
                                      bundle=bundle,
                                      progress=lambda done: bar("exporting", done, total))
        bar("exporting", total, total, force=True)
        bar.end()
        counts = manifest["counts"]
        lost = f", {counts['lost']} item(s) in loss-report.jsonl" if counts.get("lost") else ""
        self.stdout.write(f"{counts['documents']} document(s), {counts['spans']} span(s), "
                          f"{counts['attributions']} attribution(s) → {out}{lost}")
