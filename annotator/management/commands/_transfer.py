"""What the import_documents and export_project commands share."""
from __future__ import annotations

import sys
import time

from django.core.management.base import CommandError

from annotator.models import Project


def project_by_name_or_id(value: str) -> Project:
    project = Project.objects.filter(name=value).first()
    if project is None and value.isdigit():
        project = Project.objects.filter(pk=int(value)).first()
    if project is None:
        raise CommandError(f"No project named {value!r} (or with that id).")
    return project


class ProgressBar:
    """A one-line progress bar on stderr, redrawn at most 10 times a second."""

    def __init__(self, stream=None, width: int = 30):
        self.stream = stream or sys.stderr
        self.width = width
        self.last = 0.0
        self.shown = False

    def __call__(self, phase: str, done: int, total: int | None, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self.last < 0.1 and not (total and done >= total):
            return
        self.last = now
        if total:
            filled = int(self.width * min(done, total) / total)
            bar = "#" * filled + "." * (self.width - filled)
            line = f"\r{phase:<9} [{bar}] {done}/{total} documents"
        else:
            line = f"\r{phase:<9} {done} documents"
        self.stream.write(line)
        self.stream.flush()
        self.shown = True

    def end(self) -> None:
        if self.shown:
            self.stream.write("\n")
            self.stream.flush()
