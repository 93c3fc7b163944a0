import time

from django.core.management.base import BaseCommand, CommandError

from annotator.models import Project
from annotator.services.claim_groups import claim_groups_rebuild


class Command(BaseCommand):
    help = ("Group the approved claims that say the same thing in several documents again, "
            "from scratch, in this process: of one project (--project ID) or of all. "
            "Workers keep the groups as labels change; this is for a first run or a repair.")

    def add_arguments(self, parser):
        parser.add_argument("--project", type=int, help="a project's id (default: every project)")

    def handle(self, *args, **options):
        projects = Project.objects.order_by("pk")
        if options["project"] is not None:
            projects = projects.filter(pk=options["project"])
            if not projects.exists():
                raise CommandError(f"--project: no project has id {options['project']}.")
        for project in projects:
            began = time.monotonic()
            counts = claim_groups_rebuild(project=project)
            self.stdout.write(
                f"Project {project.pk}: {counts['claims']} claims of {counts['documents']} "
                f"documents in {counts['groups']} groups ({time.monotonic() - began:.1f} s).")
