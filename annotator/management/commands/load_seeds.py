from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from annotator.services.seeds import SeedError, seeds_load


class Command(BaseCommand):
    help = "Create the demo project and load every document in seeds/ (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--dir", default=str(Path(settings.BASE_DIR) / "seeds"),
                            help="Folder of NAME.txt (+ optional NAME.json) files.")

    def handle(self, *args, **options):
        try:
            project, created = seeds_load(directory=Path(options["dir"]))
        except SeedError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"Project {project.name!r}: {created} document(s) added, "
                          f"{project.documents.count()} in all.")
