"""manage.py pretag_jsonl IN OUT: pre-tag the documents of a JSON Lines file.

Each input line is {"id", "text", ...}; each output line is
{"id", "text", "spans": [{"id", "start", "end", "label", "text"}],
 "relations": [{"source", "cue", "claim"}]}, with offsets in code points.
The tagging goes through `annotator.pretag.pretag_text`, as the jobs do.
"-" reads standard input or writes standard output. `--tagger learned-attribution
--model MODEL_DIR` tags with a model trained by `train_tagger`. `--entities` also resolves
the SOURCE spans into source entities (annotator/pretag/coref/), written as our JSON Lines
export writes them: an "entities" list ({"id": "E1", "name", "type"}) and "entity" on
each SOURCE span that mentions one.
"""
from __future__ import annotations

import json
import sys
import time

from django.core.management.base import BaseCommand, CommandError

from annotator.pretag import (PretagOutputError, available_taggers, get_tagger, pretag_text,
                              result_to_record)
from annotator.pretag.coref import entity_links


class Command(BaseCommand):
    help = "Pre-tag a JSON Lines file of {id, text} documents into spans and relations."

    def add_arguments(self, parser):
        parser.add_argument("input", help='JSON Lines file of {"id", "text"} ("-": stdin)')
        parser.add_argument("output", help='where to write the tagged JSON Lines ("-": stdout)')
        parser.add_argument("--tagger", default=None,
                            help=f"tagger name (default: the built-in one); one of "
                                 f"{', '.join(available_taggers())}")
        parser.add_argument("--model", default=None,
                            help="model directory, for a tagger that learns (train_tagger)")
        parser.add_argument("--entities", action="store_true",
                            help="also propose the source entity of each SOURCE span")

    def handle(self, *args, **options):
        try:
            tagger = get_tagger(options["tagger"], model=options["model"])
        except KeyError as exc:
            raise CommandError(exc.args[0]) from None
        except ValueError as exc:          # a model that is missing, corrupt or too old
            raise CommandError(str(exc)) from None
        if getattr(tagger, "takes_model", False) and getattr(tagger, "model", None) is None:
            raise CommandError(f"{tagger.name} needs --model MODEL_DIR (made by train_tagger).")
        documents = list(self._read(options["input"]))
        started = time.perf_counter()
        lines = []
        for number, doc_id, text in documents:
            try:
                result = pretag_text(tagger, text)
            except PretagOutputError as exc:
                raise CommandError(f"line {number} (id {doc_id!r}): {exc}") from None
            record = result_to_record(doc_id, text, result)
            if options["entities"]:
                _entities_add(record, text)
            lines.append(json.dumps(record, ensure_ascii=False))
        elapsed = time.perf_counter() - started
        output = "".join(line + "\n" for line in lines)
        if options["output"] == "-":
            self.stdout.write(output, ending="")
        else:
            with open(options["output"], "w", encoding="utf-8") as handle:
                handle.write(output)
            self.stderr.write(f"{len(lines)} document(s) tagged by {tagger.name} "
                              f"{tagger.version} in {elapsed:.2f} s -> {options['output']}")

    def _read(self, path: str):
        """(line number, id, text) per document; CommandError naming the line if one is bad."""
        try:
            handle = sys.stdin if path == "-" else open(path, encoding="utf-8")
        except OSError as exc:
            raise CommandError(f"{path}: {exc.strerror}.") from None
        with handle:
            seen = set()
            try:
                for number, line in enumerate(handle, start=1):
                    if not line.strip():
                        continue
                    try:
                        record = json.loads(line)
                    except json.JSONDecodeError as exc:
                        raise CommandError(f"{path}:{number}: not JSON ({exc.msg}).") from None
                    if not isinstance(record, dict):
                        raise CommandError(f"{path}:{number}: expected an object with "
                                           f"\"id\" and \"text\".")
                    if "id" not in record or not isinstance(record["id"], (str, int)):
                        raise CommandError(f"{path}:{number}: \"id\" must be a string or an "
                                           f"integer.")
                    if not isinstance(record.get("text"), str):
                        raise CommandError(f"{path}:{number}: \"text\" must be a string.")
                    if str(record["id"]) in seen:
                        raise CommandError(f"{path}:{number}: id {record['id']!r} is repeated.")
                    seen.add(str(record["id"]))
                    yield number, record["id"], record["text"]
            except UnicodeDecodeError as exc:
                raise CommandError(f"{path}: not UTF-8 ({exc.reason}).") from None


def _entities_add(record: dict, text: str) -> None:
    """The resolver's entities for the record's SOURCE spans, numbered E1, E2 ... in the
    order of their first mention (no project: every entity is a new one)."""
    sources = [(span["id"], span["start"], span["end"]) for span in record["spans"]
               if span["label"] == "SOURCE"]
    numbers: dict[str, str] = {}
    entities = []
    by_span = {}
    for link in sorted(entity_links(text, sources), key=lambda link: int(link.key[1:])):
        if link.name not in numbers:
            numbers[link.name] = f"E{len(numbers) + 1}"
            entities.append({"id": numbers[link.name], "name": link.name, "type": link.type})
        by_span[link.key] = numbers[link.name]
    for span in record["spans"]:
        if span["id"] in by_span:
            span["entity"] = by_span[span["id"]]
    record["entities"] = entities
