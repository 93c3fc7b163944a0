"""Writing a bundle: the project's documents, in one format, then the manifest."""
from __future__ import annotations

import json
import tempfile
from typing import Callable, Iterator

from django.core.exceptions import ValidationError
from django.utils import timezone

from annotator.formats import brat, conll, doccano, jsonl, manifest, tabular
from annotator.formats.archive import Bundle
from annotator.formats.records import DocumentRecord
from annotator.models import ExportFormat, Project
from annotator.services.attributions import role_labels
from annotator.services.exports.layers import Layer
from annotator.services.exports.records import _iso, documents_read

LOSSY = {
    ExportFormat.JSONL: None,
    ExportFormat.BRAT: "document titles and metadata (the file name stands for the title); "
                       "the provenance of a claim fragment used only inside a claim in "
                       "fragments (its claim's note holds the first fragment's)",
    ExportFormat.CONLL: "links (attributions, attributes), provenance, and whatever BIO "
                        "cannot hold: see loss-report.jsonl",
    ExportFormat.CSV: "spans that belong to no attribution, and the document text",
    ExportFormat.DOCCANO: "attributes and provenance; titles",
}
DATA_FILE = {ExportFormat.JSONL: "data.jsonl", ExportFormat.CONLL: "data.conll",
             ExportFormat.CSV: "attributions.csv", ExportFormat.DOCCANO: "doccano.jsonl"}


def _annotation_conf(project: Project, roles: dict) -> str:
    """brat's annotation.conf, so that the collection opens in brat as it is."""
    labels = list(project.labels.values_list("name", flat=True))
    lines = ["[entities]", *labels, "", "[relations]", "<OVERLAP>\tArg1:<ANY>, Arg2:<ANY>, "
             "<OVL-TYPE>:<ANY>", "", "[events]",
             f"{roles['claim']}\tSource?:{roles['source']}, Cue?:{roles['cue']}", "",
             "[attributes]"]
    for definition in project.attribute_definitions:
        if definition.get("applies_to", "attribution") != "attribution":
            continue
        values = "|".join(str(c).replace(" ", "_") for c in definition["choices"])
        lines.append(f"{definition['name']}\tArg:{roles['claim']}, Value:{values}")
    return "\n".join(lines) + "\n"


def project_export(*, project: Project, fmt: str, layer: Layer, bundle: Bundle,
                   progress: Callable[[int], None] | None = None) -> dict:
    """Write the project's documents with the layer's labels into the bundle; returns the
    manifest (also written, last, as manifest.json)."""
    if fmt not in ExportFormat.values:
        raise ValidationError({"format": f"must be one of {', '.join(ExportFormat.values)}."})
    roles = role_labels(project)
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

    label_names = list(project.labels.values_list("name", flat=True))
    attribute_names = [d["name"] for d in project.attribute_definitions
                       if d.get("applies_to", "attribution") == "attribution"]
    if fmt == ExportFormat.JSONL:
        bundle.write(DATA_FILE[fmt], jsonl.write(documents()))
    elif fmt == ExportFormat.DOCCANO:
        bundle.write(DATA_FILE[fmt], doccano.write(documents(), roles))
    elif fmt == ExportFormat.CSV:
        bundle.write(DATA_FILE[fmt], tabular.write(documents(), attribute_names))
    elif fmt == ExportFormat.CONLL:
        # The loss report waits in a temporary file: a zip takes one entry at a time.
        with tempfile.TemporaryFile() as losses:
            lost = 0

            def record_loss(item):
                nonlocal lost
                lost += 1
                losses.write((json.dumps(item, ensure_ascii=False) + "\n").encode("utf-8"))

            bundle.write(DATA_FILE[fmt], conll.write(documents(), label_names, record_loss))
            losses.seek(0)
            bundle.write("loss-report.jsonl", iter(lambda: losses.read(1 << 16), b""))
            counts["lost"] = lost
    else:
        bundle.write("annotation.conf", [_annotation_conf(project, roles)])
        for index, document in enumerate(documents()):
            stem = brat.file_stem(document, index)
            bundle.write(f"{stem}.txt", [document.text])
            bundle.write(f"{stem}.ann", brat.write_ann(document, roles))
    labels = list(project.labels.values("name", "color", "description"))
    result = manifest.build(
        fmt=fmt, created_at=_iso(timezone.now()), project={"id": project.pk,
                                                           "name": project.name},
        filters=layer.describe(), counts=counts, label_set=labels,
        attribute_definitions=project.attribute_definitions, files=list(bundle.files),
        lossy=LOSSY[fmt])
    bundle.write("manifest.json", [manifest.dumps(result)])
    return result
