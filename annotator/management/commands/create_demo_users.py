from django.core.management.base import BaseCommand, CommandError

from annotator.models import Project
from annotator.services.demo import DemoRefused, demo_users_ensure
from annotator.services.seeds import DEMO_PROJECT_NAME


class Command(BaseCommand):
    help = "Create the quick start's admin, annotator and reviewer (DEBUG only) and print them."

    def handle(self, *args, **options):
        project = Project.objects.filter(name=DEMO_PROJECT_NAME).first()
        if project is None:
            raise CommandError("The demo project does not exist: run `manage.py load_seeds` first.")
        try:
            rows = demo_users_ensure(project=project)
        except DemoRefused as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write("Demo users (passwords are set when a user is first created):")
        for username, password, role in rows:
            self.stdout.write(f"  {role:<10} user: {username:<10} password: {password}")
