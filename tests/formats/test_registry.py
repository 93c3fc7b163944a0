"""formats/registry.py: one Format per name, read by imports, exports, commands and choices."""
from annotator.formats import registry
from annotator.formats.archive import DirectoryBundle
from tests.formats.conftest import build


def test_every_format_reads_or_writes_when_registered():
    for fmt in registry.FORMATS.values():
        assert fmt.can_import or fmt.can_export, fmt.name
        assert fmt.media_type and fmt.extension.startswith(".") and fmt.title and fmt.help
        if fmt.can_export:
            assert fmt.lossy is None or fmt.lossy.strip()


def test_the_choices_follow_the_registry_when_listed():
    assert registry.import_names() == ("txt", "jsonl", "brat", "doccano", "labelstudio",
                                       "labelstudio-min")
    assert registry.export_names() == ("jsonl", "brat", "conll", "csv", "doccano")
    assert dict(registry.import_choices())["brat"] == "brat standoff (zip)"
    assert dict(registry.export_choices())["brat"] == "brat standoff"
    assert registry.format_get("brat").zip_only and not registry.format_get("jsonl").zip_only
    assert registry.format_get("nope") is None


def test_each_writer_writes_its_data_file_when_given_records(tmp_path):
    document = build("Officials said the deal is dead.",
                     [("T1", "SOURCE", "Officials"), ("T2", "CUE", "said"),
                      ("T3", "CLAIM", "the deal is dead")], [(["T3"], "T1", "T2", {})])
    context = registry.ExportContext(labels=["CLAIM", "SOURCE", "CUE"],
                                     roles={"claim": "CLAIM", "source": "SOURCE", "cue": "CUE"})
    for name in registry.export_names():
        fmt = registry.format_get(name)
        with DirectoryBundle(tmp_path / name) as bundle:
            counts = fmt.write(iter([document]), bundle, context)
        written = {file["name"] for file in bundle.files}
        assert isinstance(counts, dict)
        if fmt.data_file:
            assert fmt.data_file in written, name
        else:
            assert {"annotation.conf", "doc-1.txt", "doc-1.ann"} <= written
