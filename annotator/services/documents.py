from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from annotator import text as text_mod
from annotator.models import Document, Project

MAX_TITLE = 500


def document_prepare(*, title: str, text: str) -> tuple[str, str]:
    """Normalise and check a document before it is stored: (title, text)."""
    if not isinstance(text, str):
        raise ValidationError({"text": "must be a string."})
    normalized = text_mod.normalize(text)
    if not normalized.strip():
        raise ValidationError({"text": "is empty."})
    if "\x00" in normalized:
        raise ValidationError({"text": "contains a NUL character."})
    title = (title or "").strip()
    if len(title) > MAX_TITLE:
        raise ValidationError({"title": f"is longer than {MAX_TITLE} characters."})
    return title, normalized


def document_create(*, project: Project, title: str, text: str, metadata: dict | None = None,
                    source_url: str = "") -> tuple[Document, bool]:
    """Store a document once per project: the same text again returns the stored one.

    Returns (document, created).
    """
    title, normalized = document_prepare(title=title, text=text)
    digest = text_mod.sha256(normalized)
    try:
        with transaction.atomic():
            document = Document.objects.create(
                project=project, title=title, text=normalized, length=len(normalized),
                text_sha256=digest, metadata=metadata or {}, source_url=source_url)
            return document, True
    except IntegrityError:
        # Same text already in this project (maybe stored by a concurrent request).
        existing = Document.objects.filter(project=project, text_sha256=digest).first()
        if existing is None:
            raise
        return existing, False
