"""Import and export formats: pure functions over plain data, no database.

Each module reads and/or writes one format, over the records of `records.py`:

- `jsonl`: our JSON Lines, one document per line, lossless (labels and provenance);
- `brat`: brat standoff, `.txt` + `.ann` per document, lossless for labels;
- `conll`: CoNLL-style BIO columns, one per label, lossy (the writer reports losses);
- `tabular`: CSV, one row per attribution, lossy (spans outside attributions);
- `doccano`: the JSON Lines doccano exports for sequence labelling (with relations);
- `labelstudio`: Label Studio's JSON and JSON_MIN exports (import only);
- `relations`: binary relations (doccano, Label Studio) → attributions;
- `units`: whether a tool's offsets count code points or UTF-16 units, per document;
- `sniff`: what format a file looks like, for errors that name the right one;
- `check`: a document checked against a project before it is stored;
- `textmap`: normalising a text on request, with its offsets;
- `plaintext`: plain `.txt` documents;
- `manifest`: manifest.json (counts, label set, filters, checksums);
- `archive`: zip bundles written as a stream, and zip files read safely.

Offsets are Unicode code points, half-open, exactly Python's `text[start:end]`,
into the text exactly as the file has it.
Writers are generators (lines or chunks), so an export never holds a whole
project in memory. `examples/` has one example file per format, used by the
round-trip tests in tests/formats/.
"""
