"""Writing a bundle: the project's documents, in one format, then the manifest."""
from __future__ import annotations

from typing import Callable, Iterator

from django.core.exceptions import ValidationError
from django.utils import timezone

from annotator.formats import manifest, registry
from annotator.formats.archive import Bundle
from annotator.formats.records import DocumentRecord
from annotator.models import Project
from annotator.services.attributions import role_labels
from annotator.services.exports.layers import Layer
from annotator.services.exports.records import _iso, documents_read


def project_export(*, project: Project, fmt: str, layer: Layer, bundle: Bundle,
                   progress: Callable[[int], None] | None = None) -> dict:
    """Write the project's documents with the layer's labels into the bundle; returns the
    manifest (also written, last, as manifest.json)."""
    spec = registry.format_get(fmt)
    if spec is None or not spec.can_export:
        raise ValidationError({"format": f"must be one of {', '.join(registry.export_names())}."})
    counts = {"documents": 0, "spans": 0, "attributions": 0}
    done = 0

    def tick():
        nonlocal done
        done += 1
        if progress:
            progress(done)

    def documents() -> Iterator[DocumentRecord]:
        for document in documents_read(project=project, layer=layer, on_document=tick):
            counts["documents"] += 1
            counts["spans"] += len(document.spans)
            counts["attributions"] += len(document.attributions)
            yield document

    context = registry.ExportContext(
        labels=list(project.labels.values_list("name", flat=True)), roles=role_labels(project),
        attribute_definitions=project.attribute_definitions)
    counts.update(spec.write(documents(), bundle, context))
    labels = list(project.labels.values("name", "color", "description"))
    result = manifest.build(
        fmt=fmt, created_at=_iso(timezone.now()), project={"id": project.pk,
                                                           "name": project.name},
        filters=layer.describe(), counts=counts, label_set=labels,
        attribute_definitions=project.attribute_definitions, files=list(bundle.files),
        lossy=spec.lossy)
    bundle.write("manifest.json", [manifest.dumps(result)])
    return result
