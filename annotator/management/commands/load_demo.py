from django.core.management.base import BaseCommand, CommandError

from annotator.services.demo_newsroom import NewsroomRefused, newsroom_load


class Command(BaseCommand):
    help = ("Make the newsroom demo project: invented articles labelled by the demo annotator "
            "and approved by the demo reviewer (idempotent; after create_demo_users).")

    def handle(self, *args, **options):
        try:
            project, created = newsroom_load()
        except NewsroomRefused as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"Project {project.name!r}: {created} document(s) added, "
                          f"{project.documents.count()} in all.")
