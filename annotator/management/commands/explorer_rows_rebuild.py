from django.core.management.base import BaseCommand, CommandError

from annotator.models import Project
from annotator.services.explorer_rows import explorer_rows_rebuild


class Command(BaseCommand):
    help = ("Make the explorer's read model (one row per attribution of a layer: the "
            "approved one and each member's own) again from the labels: of one project "
            "(--project ID) or of all.")

    def add_arguments(self, parser):
        parser.add_argument("--project", type=int, help="a project's id (default: every project)")

    def handle(self, *args, **options):
        project = None
        if options["project"] is not None:
            project = Project.objects.filter(pk=options["project"]).first()
            if project is None:
                raise CommandError(f"--project: no project has id {options['project']}.")
        rows = explorer_rows_rebuild(project=project)
        where = f"project {project.pk}" if project else "every project"
        self.stdout.write(f"Explorer rows of {where} made again: {rows}.")
