"""Importing documents (and their labels) into a project: all or nothing.

    report = import_file(project=p, user=admin, stream=f, file_name="x.jsonl", fmt="jsonl")

Formats (formats/registry.py): "txt" (a .txt, or a zip of them), "jsonl" (ours: text,
optional metadata, spans and attributions), "brat" (a zip of .txt + .ann),
"doccano" (its sequence-labelling JSON Lines, with or without relations),
"labelstudio" (Label Studio's JSON export) and "labelstudio-min" (its
JSON_MIN). JSON Lines and Label Studio files may also come zipped.

The text is stored exactly as the file has it, and so are the offsets
(docs/decisions.md, section 8). Options, all off by default:
- `normalize` ("nfc", "lf"): rewrite the text, move the offsets, and report
  per document what changed (formats/textmap.py);
- `offsets` ("auto", "codepoints", "utf16"): how the file's offsets count;
  "auto" decides per document for tools whose browser page may count UTF-16
  units (doccano, Label Studio: formats/units.py) and reports each span moved;
- `keep_review_state`: keep the file's approvals and rejections, each with a
  ReviewDecision by the importing admin naming the file and the file's
  reviewer; without it labels come in unreviewed and the report counts the
  review states not kept;
- `layers` ("annotators", "mine"): for files with several annotators' layers
  (Label Studio), one layer per annotator, mapped to project members by
  e-mail or username (`annotator_map` for Label Studio user ids), or all of
  them in the importing user's layer.

Two passes over the file. The first sniffs the file (formats/sniff.py: a file
that looks like another tool's export is refused, saying which format to
choose), reads and checks every document and collects *every* problem with
its line; if there is one, ImportRefused carries the report and nothing is
written. The second writes, in one transaction, in batches. Reading twice
keeps memory flat for big files.

A document whose text (as stored) is already in the project, or earlier in
the same file, is skipped and counted: importing a file again adds nothing.
Labels go, in "labels" mode, into the importing user's own layer (or the
annotators' layers, above), keeping from the file the origin, tagger and
confidence; the annotators the file names are kept in the document's
metadata ("imported"). In "suggestions" mode they become suggestions of a
tagger named "import", for annotators to accept or reject. Predictions (Label
Studio) are suggestions in both modes.
"""
from annotator.services.imports.options import (IMPORT_TAGGER, LAYERS, MAX_ERRORS, MODES,
                                                NORMALIZATIONS, OFFSETS, SNIFF_BYTES, WRITE_BATCH,
                                                ImportOptions, ImportRefused, ImportReport,
                                                parse_annotator_map)
from annotator.services.imports.run import import_file

__all__ = ["IMPORT_TAGGER", "ImportOptions", "ImportRefused", "ImportReport", "LAYERS",
           "MAX_ERRORS", "MODES", "NORMALIZATIONS", "OFFSETS", "SNIFF_BYTES", "WRITE_BATCH",
           "import_file", "parse_annotator_map"]
