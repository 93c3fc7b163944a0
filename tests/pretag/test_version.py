"""The built-in tagger's version changes whenever its output does.

Stored suggestions are keyed by tagger name and version, so output that changes
under an unchanged version would mix two taggers' suggestions. The fingerprint is a
hash of the tagger's output on every gold text; when it changes, bump
RulesAttributionTagger.version and record the new pair here. (Adding or editing a
gold text changes it too: then record the new hash under the same version.)
"""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

from annotator.pretag import get_tagger, pretag_text, result_to_record

GOLD = Path(__file__).resolve().parents[1] / "gold"

FINGERPRINTS = {
    "1.3.0": "790c2b334adb8b31",
    "1.4.0": "790c2b334adb8b31",   # real copy: '' quotes, "a smiling X said", unclosed paragraph quotes
    "1.5.0": "0277e050a9dd189a",   # second-hand claims: `parent`; gold nested.jsonl added
}


def fingerprint() -> str:
    tagger = get_tagger("rules-attribution")
    digest = hashlib.sha256()
    for path in sorted(GOLD.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            document = json.loads(line)
            record = result_to_record(document["id"], document["text"],
                                      pretag_text(tagger, document["text"]))
            digest.update(json.dumps(record, sort_keys=True).encode("utf-8"))
    return digest.hexdigest()[:16]


def test_output_fingerprint_matches_the_version():
    version = get_tagger("rules-attribution").version
    assert version in FINGERPRINTS, f"record the fingerprint of version {version}"
    assert fingerprint() == FINGERPRINTS[version], (
        "the tagger's output changed: bump RulesAttributionTagger.version and record "
        f"{fingerprint()!r} for it in FINGERPRINTS")
