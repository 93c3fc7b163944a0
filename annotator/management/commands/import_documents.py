"""manage.py import_documents PROJECT FILE --format FORMAT [options]

FORMAT: one that formats/registry.py can import: txt, jsonl, brat, doccano, labelstudio,
labelstudio-min (docs/formats.md).

Imports documents (and their labels) all or nothing, as the API does: every
bad line is listed and nothing is written; documents whose text is already in
the project are skipped. The text is stored exactly as in the file unless
--normalize nfc / lf asks otherwise. Notes (offsets repaired, results left
out, review states not kept) and what normalising changed go to stdout. A
progress bar goes to stderr.
"""
from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from annotator import access
from annotator.access import Need
from annotator.errors import Conflict
from annotator.formats import registry
from annotator.management.commands._transfer import ProgressBar, project_by_name_or_id
from annotator.models import Membership, Role
from annotator.services.imports import (LAYERS, MODES, NORMALIZATIONS, OFFSETS,
                                        ImportRefused, import_file, parse_annotator_map)


class Command(BaseCommand):
    help = "Import documents (and labels) from a file into a project: all or nothing."

    def add_arguments(self, parser):
        parser.add_argument("project", help="project name (or id)")
        parser.add_argument("file", help=".txt, .jsonl, .json or .zip")
        parser.add_argument("--format", required=True, choices=registry.import_names())
        parser.add_argument("--mode", default="labels", choices=MODES,
                            help="labels: into the user's layer (default); suggestions")
        parser.add_argument("--user", default=None,
                            help="whose layer the labels go to (default: the project's first "
                                 "admin)")
        parser.add_argument("--normalize", action="append", choices=NORMALIZATIONS, default=[],
                            help="nfc and/or lf: rewrite the text (off by default: stored "
                                 "exactly); offsets move with it and the report says what "
                                 "changed. Repeat for both.")
        parser.add_argument("--offsets", default="auto", choices=OFFSETS,
                            help="what the file's offsets count (auto: decided per document "
                                 "for doccano and Label Studio)")
        parser.add_argument("--keep-review-state", action="store_true",
                            help="keep the file's approvals and rejections, recorded as "
                                 "decisions of --user (an admin of the project)")
        parser.add_argument("--layers", default="annotators", choices=LAYERS,
                            help="Label Studio: one layer per annotator (default) or all in "
                                 "--user's layer (mine)")
        parser.add_argument("--annotator-map", default="",
                            help="Label Studio annotators to usernames: 7=alice,a@x.org=bob")

    def handle(self, *args, **options):
        project = project_by_name_or_id(options["project"])
        user = self._user(project, options["user"])
        if options["keep_review_state"]:
            try:
                access.require(access.membership_for(user, project), Need.MANAGE)
            except (access.Forbidden, access.Http404):
                raise CommandError(f"--keep-review-state records decisions of "
                                   f"{user.get_username()!r}, who must be an admin of the "
                                   "project.") from None
        bar = ProgressBar(self.stderr._out)
        try:
            with open(options["file"], "rb") as stream:
                report = import_file(
                    project=project, user=user, stream=stream,
                    file_name=options["file"].rsplit("/", 1)[-1], fmt=options["format"],
                    mode=options["mode"], normalize=options["normalize"],
                    offsets=options["offsets"], keep_review_state=options["keep_review_state"],
                    layers=options["layers"],
                    annotator_map=parse_annotator_map(options["annotator_map"]), progress=bar)
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
        for note in report.notes:
            self.stdout.write(f"note: {note['where']}: {note['note']}")
        for change in report.normalized:
            self.stdout.write(f"normalized: {change['where']}: {change['line_ends']} line "
                              f"end(s), {change['nfc']} character(s) NFC rewrote, "
                              f"{change['removed']} code point(s) removed, "
                              f"{change['spans_moved']} span(s) moved.")
        dropped = ", ".join(f"{n} {state}" for state, n in report.review_states_dropped.items())
        if dropped:
            self.stdout.write(f"review states not kept ({dropped}): the labels are unreviewed; "
                              "--keep-review-state keeps them.")
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
