"""Training and loading a learned-attribution model directory.

    MODEL_DIR/manifest.json   tagger, tagger_version, format, created, seed, training data
                              SHA-256, counts, parameters, dev scores, files and their SHA-256
    MODEL_DIR/spans.crfsuite  the first CRF over tokens (BILOU tags of CLAIM, SOURCE, CUE)
    MODEL_DIR/second.crfsuite the second CRF, over the first's reading (stack.py; only
                              with the parameter "stack", train_tagger --stack)
    MODEL_DIR/links.json      the two link classifiers' weights (claim-source, claim-cue)
    MODEL_DIR/sources.crfsuite the source CRF, which knows where the cues are (sources.py)
    MODEL_DIR/lexicon.json    how often each training word is in a CUE, SOURCE or CLAIM span
    MODEL_DIR/clusters.json   word classes learned from the training text (words.py)

Training reads the documents in worker processes (the rules tagger and the
features are most of the work), trains the link classifiers in a second
process while the CRF trains in this one (stacked: also two fold CRFs, whose
readings of the other half train the second CRF, and the second CRF), writes
everything into a temporary directory and renames it into place: a failure
leaves nothing behind.
"""
from __future__ import annotations

import datetime
import hashlib
import io
import json
import multiprocessing
import os
import shutil
import signal
import sys
import threading
import tempfile
import time
from pathlib import Path

from annotator.nesting import innermost_parents

from ..base import TaggedAttribution, TaggedSpan, TagResult
from ..evaluate import score_records
from ..rules import RulesAttributionTagger
from ..run import result_check, result_to_record
from .data import counts, file_sha256, read_annotated, to_pretag_shape
from .crf import InProcess, Progress, open_crf, tag_paragraph, terminated, train_crf
from .encoding import spans_of
from .features import Doc, build_lexicon, class_features, gold_tags, tokens_of
from .links import Linker, LinearModel, Span, choose, decide, fit, rules_link_set
from .sources import extra_sources, keep_linked, training_sequences
from .stack import FOLDS, first_pass, second_features
from .words import build_clusters

NAME = "learned-attribution"
TAGGER_VERSION = "1.6.0"        # bump when features or decoding change: old models are refused
READS_VERSIONS = frozenset({"1.5.0", TAGGER_VERSION})   # 1.6.0 changed no file or feature
FORMAT = 1
CRF_FILE, LINKS_FILE, LEXICON_FILE = "spans.crfsuite", "links.json", "lexicon.json"
CLUSTERS_FILE, SECOND_FILE, SOURCES_FILE = "clusters.json", "second.crfsuite", "sources.crfsuite"
FILES = (CRF_FILE, LINKS_FILE, LEXICON_FILE, CLUSTERS_FILE, SOURCES_FILE)   # SECOND_FILE: stacked
MANIFEST = "manifest.json"
DEFAULT_PARAMS = {"algorithm": "pa", "pa_type": 2, "pa_c": 1.0, "c1": 0.05, "c2": 0.01,
                  "max_iterations": 40,
                  "feature.minfreq": 2, "link_c": 0.5, "stack": False,
                  "source_iterations": 20}


class ModelError(ValueError):
    """A model directory that is missing, unreadable, corrupt or of another version."""


def _rules():
    return RulesAttributionTagger()


_RULES = None
_WORDS: tuple = ({}, {})        # the training lexicon and word classes, for the workers


def _set_words(lexicon: dict, clusters: dict) -> None:
    global _WORDS
    _WORDS = (lexicon, class_features(clusters))


def rules_tagger():
    global _RULES
    if _RULES is None:
        _RULES = _rules()
    return _RULES


def gold_spans(doc: Doc, record: dict) -> dict[str, Span]:
    out = {}
    for s in record["spans"]:
        i, j = doc.token_range(s["start"], s["end"])
        if j > i:
            out[s["id"]] = Span(s["label"], s["start"], s["end"], i, j, 1.0, s["id"])
    return out


def _linker(doc: Doc, record: dict, rules) -> tuple[Linker, set]:
    """The gold spans' Linker and the gold (claim, other) links of a training document."""
    spans = gold_spans(doc, record)
    linked = set()
    for a in record["attributions"]:
        for c in a["claims"]:
            for other in (a["source"], a["cue"]):
                if other is not None:
                    linked.add((c, other))
    by_label = {label: [s for s in spans.values() if s.label == label]
                for label in ("CLAIM", "SOURCE", "CUE")}
    return Linker(doc, by_label["CLAIM"], by_label["SOURCE"], by_label["CUE"],
                  rules_link_set(doc, rules)), linked


def _prepare(record: dict):
    """Worker: paragraphs, CRF features and BILOU tags of one document, its cue-link rows."""
    text = record["text"]
    rules = rules_tagger().tag(text)
    doc = Doc(text, rules, *_WORDS)
    feats = doc.features()
    labels = gold_tags(doc, record["spans"])
    linker, linked = _linker(doc, record, rules)
    x, y = [], []
    for claim in linker.claims:
        for other, f in linker.rows(claim, "CUE"):
            x.append(f)
            y.append(1 if (claim.key, other.key) in linked else 0)
    return doc.paragraphs, feats, labels, (x, y)


def _fit_links(records, cue_rows, seed, c, path, params):
    """Worker: fit the cue model, then the source model on rows that know the chosen cue;
    then train the source CRF (sources.py) beside the links.json at `path`."""
    cue_model = fit(cue_rows[0], cue_rows[1], seed, c)
    x, y, source_sequences = [], [], []
    for record in records:
        rules = rules_tagger().tag(record["text"])
        doc = Doc(record["text"], rules, *_WORDS)
        source_sequences.extend(training_sequences(doc, record["spans"]))
        linker, linked = _linker(doc, record, rules)
        for claim in linker.claims:
            cue, _ = choose(cue_model, linker.rows(claim, "CUE"))
            for other, f in linker.rows(claim, "SOURCE", cue):
                x.append(f)
                y.append(1 if (claim.key, other.key) in linked else 0)
    models = {"CUE": cue_model.to_json(), "SOURCE": fit(x, y, seed, c).to_json()}
    Path(path).write_text(json.dumps(models, sort_keys=True), encoding="utf-8")
    # no paragraph with a cue: a model that tags nothing (crfsuite's model of no data crashes)
    train_crf(source_sequences or [([["b"]], ["O"])], str(Path(path).with_name(SOURCES_FILE)),
              {**params, "max_iterations": params["source_iterations"]}, seed,
              Progress(params["source_iterations"], "sources", io.StringIO()))


def train(train_path: str, model_dir: str, *, dev_path: str | None = None, seed: int = 0,
          workers: int | None = None, params: dict | None = None, stream=None,
          limit: int | None = None, stop_on_sigterm: bool = False) -> dict:
    """Train on a JSON Lines file, write MODEL_DIR, return the manifest."""
    warnings: list[str] = []
    records = read_annotated(train_path, warnings=warnings)
    dev = read_annotated(dev_path) if dev_path else None
    if limit:
        records = records[:limit]
    return train_records(records, model_dir, data={"file": os.path.basename(train_path),
                                                   "sha256": file_sha256(train_path),
                                                   "warnings": warnings},
                         dev=dev, dev_name=dev_path, seed=seed, workers=workers, params=params,
                         stream=stream, stop_on_sigterm=stop_on_sigterm)


def train_records(records: list[dict], model_dir: str, *, data: dict,
                  dev: list[dict] | None = None, dev_name: str | None = None, seed: int = 0,
                  workers: int | None = None, params: dict | None = None, stream=None,
                  on_progress=None, stop_on_sigterm: bool = False) -> dict:
    """Train on checked records (read_annotated's shape), write MODEL_DIR, return the manifest.

    `data` describes the training data for the manifest ({"file", "sha256", "warnings"}).
    `on_progress(stage, done, total)` is called at every step of the progress bars
    ("features" per document, "crf" per iteration). workers=1 trains in this process,
    with no pool: a Celery worker's pool process is a daemon, which may have no children.
    """
    params = {**DEFAULT_PARAMS, **(params or {})}
    workers = workers or min(2, os.cpu_count() or 1)
    target = Path(model_dir)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}-", dir=target.parent))
    started = time.perf_counter()
    previous_handler = None
    if stop_on_sigterm and threading.current_thread() is threading.main_thread():
        # From the command line, a training stopped with SIGTERM cleans up like one stopped
        # with Ctrl-C. Not in a Celery worker: there SIGTERM belongs to the worker, whose
        # lost task goes back to the queue and is resumed like any job's.
        previous_handler = signal.signal(signal.SIGTERM, terminated)
    try:
        cue_rows: tuple[list, list] = ([], [])
        progress = Progress(len(records), "features", stream, on_progress)
        stacked = params["stack"]
        iterations = Progress(params["max_iterations"] * ((2 + FOLDS) if stacked else 1), "crf",
                              stream, on_progress)
        tokens = [tokens_of(r["text"]) for r in records]
        lexicon = build_lexicon((t, r["spans"]) for t, r in zip(tokens, records))
        clusters = build_clusters([[t.low for t in doc_tokens] for doc_tokens in tokens], seed)
        del tokens
        (tmp / LEXICON_FILE).write_text(json.dumps(lexicon, sort_keys=True), encoding="utf-8")
        (tmp / CLUSTERS_FILE).write_text(json.dumps(clusters, sort_keys=True), encoding="utf-8")
        ctx = multiprocessing.get_context("fork" if sys.platform != "win32" else "spawn")
        words = (lexicon, clusters)
        with (ctx.Pool(workers, initializer=_set_words, initargs=words) if workers > 1
              else InProcess(initializer=_set_words, initargs=words)) as pool:
            docs = []          # per document (paragraph bounds, features, tags), if stacked
            links_job = []

            def sequences():
                for bounds, feats, labels, (x, y) in pool.imap(_prepare, records, chunksize=4):
                    if stacked:
                        docs.append((bounds, feats, labels))
                    cue_rows[0].extend(x)
                    cue_rows[1].extend(y)
                    progress.step()
                    yield from zip(feats, labels)

            def start_links():
                # the link classifiers train in a worker while the CRFs train here
                links_job.append(pool.apply_async(_fit_links, (records, cue_rows, seed,
                                                               params["link_c"],
                                                               str(tmp / LINKS_FILE), params)))

            train_crf(sequences(), str(tmp / CRF_FILE), params, seed, iterations, start_links)
            if stacked:
                _train_second(records, docs, tmp, params, seed, iterations)
            links_job[0].get()
        train_seconds = round(time.perf_counter() - started, 1)
        manifest = {
            "tagger": NAME, "tagger_version": TAGGER_VERSION, "format": FORMAT,
            "created": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
            "seed": seed, "training_data": {"file": data.get("file", ""),
                                            "sha256": data["sha256"],
                                            "counts": counts(records),
                                            "warnings": list(data.get("warnings", ()))},
            "parameters": params, "train_seconds": train_seconds,
            "files": {name: file_sha256(str(tmp / name)) for name in _files(params)},
        }
        (tmp / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True),
                                    encoding="utf-8")
        if dev is not None:
            manifest["dev"] = dev_scores(LoadedModel(tmp), dev, dev_name)
            report = manifest["dev"].pop("report")
            (tmp / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True),
                                        encoding="utf-8")
            manifest["dev"]["report"] = report
        if target.exists():
            old = target.with_name(f".{target.name}-old-{os.getpid()}")
            target.rename(old)
            tmp.rename(target)
            shutil.rmtree(old, ignore_errors=True)
        else:
            tmp.rename(target)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    finally:
        if previous_handler is not None:
            signal.signal(signal.SIGTERM, previous_handler)
    return manifest


def _train_second(records, docs, tmp: Path, params: dict, seed: int, iterations) -> None:
    """The second CRF (stack.py), on the first-pass readings of each training document by a
    first CRF that did not see it (FOLDS folds by document order)."""
    second = [None] * len(docs)
    for fold in range(FOLDS):
        path = str(tmp / f"fold{fold}.crfsuite")
        train_crf(((x, y) for n, (_, feats, labels) in enumerate(docs) if n % FOLDS != fold
                   for x, y in zip(feats, labels)), path, params, seed, iterations)
        first = open_crf(path)
        for n, (bounds, feats, _) in enumerate(docs):
            if n % FOLDS == fold:
                doc = Doc(records[n]["text"])
                second[n] = [second_features(doc, lo, hi, xseq, *first_pass(first, xseq))
                             for (lo, hi), xseq in zip(bounds, feats)]
        first.close()
        os.remove(path)
    train_crf(((x, y) for feats, (_, _, labels) in zip(second, docs)
               for x, y in zip(feats, labels)), str(tmp / SECOND_FILE), params, seed, iterations)


def dev_scores(model: "LoadedModel", dev: list[dict], dev_path: str | None) -> dict:
    predicted = [result_to_record(r["id"], r["text"], result_check(r["text"],
                                                                   model.tag(r["text"])))
                 for r in dev]
    report = score_records([to_pretag_shape(r) for r in dev], predicted)
    scores = {"file": os.path.basename(dev_path or ""), "documents": report.documents}
    for mode in ("exact", "overlap"):
        scores[mode] = {name: {"precision": _r(c.precision), "recall": _r(c.recall),
                               "f1": _r(c.f1), "gold": c.gold, "predicted": c.predicted}
                        for name, c in getattr(report, mode).items()}
    scores["report"] = report
    return scores


def _files(params: dict) -> tuple[str, ...]:
    return FILES + ((SECOND_FILE,) if params.get("stack") else ())


def _r(v):
    return None if v is None else round(v, 4)


class LoadedModel:
    """A model directory, checked and loaded; `tag(text)` gives a TagResult."""

    def __init__(self, model_dir: str | os.PathLike):
        path = Path(model_dir)
        manifest_path = path / MANIFEST
        if not path.is_dir():
            raise ModelError(f"{path}: no such model directory (train one with "
                             f"`manage.py train_tagger TRAIN.jsonl {path}`).")
        try:
            manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ModelError(f"{path}: not a model directory (no {MANIFEST}).") from None
        except (OSError, ValueError) as exc:
            raise ModelError(f"{manifest_path}: unreadable ({exc}).") from None
        if not isinstance(manifest, dict) or manifest.get("tagger") != NAME:
            raise ModelError(f"{path}: not a {NAME} model.")
        if manifest.get("format") != FORMAT or manifest.get("tagger_version") not in READS_VERSIONS:
            raise ModelError(f"{path}: a model of {NAME} {manifest.get('tagger_version')!r}; "
                             f"this is {TAGGER_VERSION}: train it again.")
        files = manifest.get("files") or {}
        for name in _files(manifest.get("parameters") or {}):
            try:
                digest = file_sha256(str(path / name))
            except OSError:
                raise ModelError(f"{path}: {name} is missing.") from None
            if files.get(name) != digest:
                raise ModelError(f"{path}: {name} is corrupt (its SHA-256 differs from the "
                                 f"manifest's).")
        try:
            # Here, not at the top: the web process imports this package (services/training.py)
            # but never opens a CRF, so the C extension loads only where a model is used.
            import pycrfsuite
            links = json.loads((path / LINKS_FILE).read_text(encoding="utf-8"))
            self.source_model = LinearModel.from_json(links["SOURCE"])
            self.cue_model = LinearModel.from_json(links["CUE"])
            self.lexicon = {str(k): list(v) for k, v in json.loads(
                (path / LEXICON_FILE).read_text(encoding="utf-8")).items()}
            self.classes = class_features({str(k): [int(c) for c in v] for k, v in json.loads(
                (path / CLUSTERS_FILE).read_text(encoding="utf-8")).items()})
            self.crf = pycrfsuite.Tagger()
            self.crf.open(str(path / CRF_FILE))
            self.sources_crf = pycrfsuite.Tagger()
            self.sources_crf.open(str(path / SOURCES_FILE))
            self.second = None
            if (manifest.get("parameters") or {}).get("stack"):
                self.second = pycrfsuite.Tagger()
                self.second.open(str(path / SECOND_FILE))
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise ModelError(f"{path}: cannot be loaded ({exc}).") from None
        self.manifest = manifest
        self.model_id = hashlib.sha256(
            "".join(files[n] for n in sorted(files)).encode()).hexdigest()[:12]

    def tag(self, text: str):
        rules = rules_tagger().tag(text)
        doc = Doc(text, rules, self.lexicon, self.classes)
        spans: list[Span] = []
        for (lo, hi), xseq in zip(doc.paragraphs, doc.features()):
            if self.second is not None:
                labels = tag_paragraph(doc, lo, hi, xseq, self.crf, self.second)
                spans.extend(spans_of(doc, lo, labels, self.second))
            else:
                self.crf.set(xseq)
                spans.extend(spans_of(doc, lo, self.crf.tag(), self.crf))
        claims = [s for s in spans if s.label == "CLAIM"]
        sources = [s for s in spans if s.label == "SOURCE"]
        cues = [s for s in spans if s.label == "CUE"]
        for n, s in enumerate(spans, start=1):
            s.key = f"{s.label[:2].lower()}{n}"
        extra: list[Span] = []

        def find_extra(paragraphs):
            extra.extend(extra_sources(doc, self.sources_crf, spans, paragraphs))
            for n, s in enumerate(extra, start=len(spans) + 1):
                s.key = f"so{n}"
            return extra

        linker = Linker(doc, claims, sources, cues, rules_link_set(doc, rules))
        decided = decide(linker, self.source_model, self.cue_model, find_extra)
        spans.extend(keep_linked(extra, decided))
        attributions = []
        for fragments, source, cue, confidence in decided:
            quoted = doc.tokens[fragments[0].i].mark != ""
            attributions.append(TaggedAttribution(
                claims=[c.key for c in fragments], source=source.key if source else None,
                cue=cue.key if cue else None, confidence=confidence,
                attributes={"quote_type": "direct" if quoted else "indirect"}))
        at = {s.key: (s.start, s.end) for s in spans}  # second-hand: inside another's claim
        for attribution, parent in zip(attributions, innermost_parents([(
                [at[k] for k in a.claims], [at[k] for k in (*a.claims, a.source, a.cue) if k])
                for a in attributions])):
            attribution.parent = parent
        return TagResult(spans=[TaggedSpan(s.key, s.label, s.start, s.end, s.confidence)
                                for s in spans], attributions=attributions)
