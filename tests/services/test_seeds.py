import json
import shutil
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from annotator.models import Document, Label, Project
from annotator.services.seeds import DEMO_PROJECT_NAME

pytestmark = pytest.mark.django_db
SEEDS = Path(__file__).resolve().parents[2] / "seeds"


def test_load_seeds_creates_demo_project_with_labels_attributes_and_documents():
    call_command("load_seeds")
    project = Project.objects.get(name=DEMO_PROJECT_NAME)
    assert list(project.labels.values_list("name", "hotkey")) == [
        ("CLAIM", "1"), ("SOURCE", "2"), ("CUE", "3")]
    definitions = {d["name"]: d["choices"] for d in project.attribute_definitions}
    assert definitions == {
        "source_type": ["named person", "organisation", "anonymous", "document", "other"],
        "claim_type": ["fact", "prediction", "opinion", "other"],
        "quote_type": ["direct", "indirect"],
    }
    assert project.documents.count() == len(list(SEEDS.glob("*.txt")))


def test_load_seeds_keeps_the_text_byte_for_byte():
    call_command("load_seeds")
    for path in SEEDS.glob("*.txt"):
        document = Document.objects.get(metadata__seed_file=path.name)
        assert document.text.encode("utf-8") == path.read_bytes()
        assert document.length == len(path.read_text(encoding="utf-8"))


def test_a_seed_with_crlf_and_combining_marks_is_kept_exactly_without_its_bom(tmp_path):
    from annotator.services.seeds import seeds_load

    folder = tmp_path / "seeds"
    folder.mkdir()
    text = "Jose\u0301 said:\r\nThe talks collapsed.\r\n"
    (folder / "raw.txt").write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    seeds_load(directory=folder)
    document = Document.objects.get(metadata__seed_file="raw.txt")
    assert document.text == text and document.length == len(text)


def test_load_seeds_reads_title_author_and_language_from_metadata():
    call_command("load_seeds")
    document = Document.objects.get(metadata__seed_file="000_02d45cab8d670c28.txt")
    assert document.title.startswith("What comes next after the US Assassination")
    assert document.metadata["author"] == "Elijah J. Magnier"
    assert document.metadata["language"] == "en"


def test_load_seeds_changes_nothing_when_run_twice():
    call_command("load_seeds")
    before = (list(Project.objects.values()), list(Document.objects.values()),
              list(Label.objects.values()))
    call_command("load_seeds")
    after = (list(Project.objects.values()), list(Document.objects.values()),
             list(Label.objects.values()))
    assert before == after


@pytest.fixture
def seed_dir(tmp_path):
    folder = tmp_path / "seeds"
    shutil.copytree(SEEDS, folder)
    return folder


@pytest.mark.parametrize("name,content,problem", [
    ("bad.json", b'{"title": "x",', "invalid JSON at line 1"),
    ("bad.json", b'["a list"]', "must hold a JSON object"),
    ("bad.json", b'{"title": 5}', "'title' must be a string"),
    ("bad.txt", b"", "the file is empty"),
    ("bad.txt", b"  \n\n ", "the file is empty"),
    ("bad.txt", b"caf\xe9 latin-1", "not UTF-8"),
])
def test_load_seeds_names_file_and_problem_and_writes_nothing_when_a_seed_is_bad(
        seed_dir, name, content, problem):
    (seed_dir / name).write_bytes(content)
    if name.endswith(".json"):
        (seed_dir / "bad.txt").write_text("A perfectly good text.", encoding="utf-8")
    with pytest.raises(CommandError) as info:
        call_command("load_seeds", "--dir", str(seed_dir))
    message = str(info.value)
    assert name in message and problem in message
    assert not Project.objects.exists() and not Document.objects.exists()


def test_load_seeds_refuses_metadata_without_text(seed_dir):
    (seed_dir / "orphan.json").write_text(json.dumps({"title": "x"}))
    with pytest.raises(CommandError, match="orphan.json: metadata without a text file"):
        call_command("load_seeds", "--dir", str(seed_dir))


def test_load_seeds_refuses_a_folder_without_seeds(tmp_path):
    with pytest.raises(CommandError, match="no .txt seed files"):
        call_command("load_seeds", "--dir", str(tmp_path))
    assert not Project.objects.exists()


def test_load_seeds_changes_nothing_when_run_again_after_the_newsroom_demo(settings):
    """make run loads the seeds, the demo users, then the newsroom demo (manage.py
    load_demo, tests/services/test_demo_newsroom.py); a second `make run` loads the seeds
    again: neither project changes."""
    from annotator.models import Attribution, DocumentStatus, ReviewDecision, Span

    settings.DEBUG = True
    call_command("load_seeds")
    call_command("create_demo_users")
    call_command("load_demo")
    models = (Project, Document, Label, Span, Attribution, DocumentStatus, ReviewDecision)
    before = [list(model.objects.order_by("pk").values()) for model in models]
    call_command("load_seeds")
    call_command("create_demo_users")
    call_command("load_demo")
    assert [list(model.objects.order_by("pk").values()) for model in models] == before
    assert Document.objects.filter(metadata__seed_file__isnull=False).count() == len(
        list(SEEDS.glob("*.txt")))
