"""manage.py import_documents PROJECT FILE --format txt|jsonl|brat|doccano

Imports documents (and their labels) all or nothing, as the API does: every
bad line is listed and nothing is written; documents whose text is already in
the project are skipped. A progress bar goes to stderr.
"""
from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from annotator.errors import Conflict
from annotator.management.commands._transfer import ProgressBar, project_by_name_or_id
from annotator.models import Membership, Role
from annotator.services.imports import FORMATS, MODES, ImportRefused, import_file


class Command(BaseCommand):
    help = "Import documents (and labels) from a file into a project: all or nothing."

    def add_arguments(self, parser):
        parser.add_argument("project", help="project name (or id)")
        parser.add_argument("file", help=".txt, .jsonl or .zip")
        parser.add_argument("--format", required=True, choices=FORMATS)
        parser.add_argument("--mode", default="labels", choices=MODES,
                            help="labels: into the user's layer (default); suggestions")
        parser.add_argument("--user", default=None,
                            help="whose layer the labels go to (default: the project's first "
                                 "admin)")

    def handle(self, *args, **options):
        project = project_by_name_or_id(options["project"])
        user = self._user(project, options["user"])
        bar = ProgressBar(self.stderr._out)
        try:
            with open(options["file"], "rb") as stream:
                report = import_file(project=project, user=user, stream=stream,
                                     file_name=options["file"].rsplit("/", 1)[-1],
                                     fmt=options["format"], mode=options["mode"], progress=bar)
        except OSError as exc:
            raise CommandError(f"{options['file']}: {exc.strerror}.") from None
        except ImportRefused as refused:
            bar.end()
            for error in refused.report.errors:
                self.stderr.write(f"{error['where']}: {error['reason']}")
            if refused.report.more_errors:
                self.stderr.write(f"... and {refused.report.more_errors} more.")
            raise CommandError(str(refused)) from None
        except ValidationError as exc:
            bar.end()
            raise CommandError("; ".join(f"{k}: {' '.join(v)}"
                                         for k, v in exc.message_dict.items())) from None
        except Conflict as exc:
            bar.end()
            raise CommandError(exc.message) from None
        bar.end()
        self.stdout.write(f"{report.created} document(s) imported into {project.name!r}, "
                          f"{report.duplicates} already there, {report.spans} span(s), "
                          f"{report.attributions} attribution(s) ({report.mode}).")

    def _user(self, project, username):
        if username:
            user = get_user_model().objects.filter(username=username).first()
            if user is None:
                raise CommandError(f"No user named {username!r}.")
            return user
        membership = Membership.objects.filter(project=project, role=Role.ADMIN).order_by(
            "pk").select_related("user").first()
        if membership is None:
            raise CommandError("The project has no admin: name the user with --user.")
        return membership.user
