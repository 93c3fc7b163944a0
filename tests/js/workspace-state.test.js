import assert from "node:assert/strict";
import { test } from "node:test";

import { blocks as makeBlocks } from "../../static/annotator/layout.js";
import {
  attributionsUsing, createState, draftSpan, dropSpan, ingest, linkAdd, linkBody, linkCandidate, linkKeys, linkStart,
  nextSelected, putSpan, rangesOf, replaceKeyInLink, spanFromAddress, spanQuote, suggestionSpanIds,
} from "../../static/annotator/workspace-state.js";

const ROLES = { claim: "CLAIM", source: "SOURCE", cue: "CUE" };
const ME = 7;

// Two paragraphs, so two blocks; the emoji makes code points and UTF-16 units differ.
const TEXT = "😀 The minister said the deal is dead.\n\nAnalysts warned that prices could rise.";

function raw(id, label, start, end, extra = {}) {
  const cps = [...TEXT];
  return { id, label, start, end, quote: cps.slice(start, end).join(""), version: 1, review_state: "pending",
    origin: "human", confidence: null, annotator: ME, ...extra };
}

function detail({ spans = [], suggestions = [], attributions = [], suggestedAttributions = [], status = "in_progress" } = {}) {
  return { text: TEXT, spans, attributions, my_status: status,
    suggestions: { spans: suggestions, attributions: suggestedAttributions } };
}

function loaded(d, options = {}) {
  const state = createState({ canAnnotate: true, userId: ME, roles: ROLES, ...options });
  ingest(state, d, []);
  return state;
}

// "minister" starts at code point 6 (after the emoji and a space) and UTF-16 unit 7.
const MINISTER = raw(1, "SOURCE", 6, 14);
const SAID = raw(2, "CUE", 15, 19);
const CLAIM = raw(3, "CLAIM", 20, 37);

test("ingest converts offsets to UTF-16 and files each span under its blocks", () => {
  const state = loaded(detail({ spans: [MINISTER, SAID, CLAIM] }));
  assert.equal(state.blocks.length, makeBlocks(TEXT).length);
  assert.equal(state.blocks.length, 2);
  const span = state.spans.get("1");
  assert.deepEqual([span.start, span.end, span.s16, span.e16], [6, 14, 7, 15]);
  assert.equal(TEXT.slice(span.s16, span.e16), "minister");
  assert.equal(span.kind, "mine");
  assert.deepEqual([...state.byBlock[0]].sort(), ["1", "2", "3"]);
  assert.equal(state.byBlock[1].size, 0);
  assert.equal(state.listsStale, true);
  assert.equal(state.locked, false);
});

test("ingest leaves out a suggestion I already have, and marks others' spans and read-only views", () => {
  const same = raw(50, "SOURCE", 6, 14, { annotator: null });
  const other = raw(51, "CLAIM", 39, 45, { annotator: null });
  const state = loaded(detail({ spans: [MINISTER, raw(4, "CUE", 40, 46, { annotator: 99 })], suggestions: [same, other] }));
  assert.equal(state.spans.has("50"), false);
  assert.equal(state.spans.get("51").kind, "suggestion");
  assert.equal(state.spans.get("4").kind, "other");
  assert.deepEqual(suggestionSpanIds(state), [51]);

  const reader = loaded(detail({ spans: [MINISTER], suggestions: [other] }), { canAnnotate: false });
  assert.equal(reader.readOnly, true);
  assert.equal(reader.layer, "all");
  assert.equal(reader.spans.get("1").kind, "other"); // read only: nothing is mine to edit
  assert.equal(reader.spans.has("51"), false);        // and no suggestions to decide
});

test("a submitted or approved document is locked for its annotator", () => {
  assert.equal(loaded(detail({ status: "submitted" })).locked, true);
  assert.equal(loaded(detail({ status: "approved" })).locked, true);
  assert.equal(loaded(detail({ status: "returned" })).locked, false);
  assert.equal(loaded(detail({ status: "submitted" }), { canAnnotate: false }).locked, false);
});

test("ingest again keeps the selection only while its span is still there", () => {
  const state = loaded(detail({ spans: [MINISTER, SAID] }));
  state.selected = "2";
  ingest(state, detail({ spans: [MINISTER, SAID] }), []);
  assert.equal(state.selected, "2");
  ingest(state, detail({ spans: [MINISTER] }), []);
  assert.equal(state.selected, null);
});

test("a draft span converts UTF-16 positions to code points and copies its quote", () => {
  const state = loaded(detail());
  const s16 = TEXT.indexOf("Analysts");
  const draft = draftSpan(state, "SOURCE", s16, s16 + "Analysts".length);
  assert.equal(draft.key, "tmp-1");
  assert.equal(draft.unsaved, true);
  assert.equal(draft.quote, "Analysts");
  assert.deepEqual([draft.start, draft.end], [s16 - 1, s16 - 1 + 8]);
  assert.equal(draftSpan(state, "CUE", 0, 2).key, "tmp-2");
});

test("putSpan and dropSpan answer only the blocks they touched", () => {
  const state = loaded(detail({ spans: [MINISTER] }));
  const s16 = TEXT.indexOf("prices");
  const draft = draftSpan(state, "CLAIM", s16, s16 + 6);
  assert.deepEqual(putSpan(state, draft), [[1, 1]]);
  assert.ok(state.byBlock[1].has(draft.key));
  // Replacing a span answers its old blocks and its new ones.
  const moved = { ...state.spans.get("1"), s16: s16, e16: s16 + 6 };
  assert.deepEqual(putSpan(state, moved), [[0, 0], [1, 1]]);
  assert.equal(state.byBlock[0].has("1"), false);
  state.selected = draft.key;
  assert.deepEqual(dropSpan(state, draft.key), [[1, 1]]);
  assert.equal(state.selected, null);
  assert.equal(state.spans.has(draft.key), false);
  assert.equal(dropSpan(state, "nothing"), null);
  assert.deepEqual(rangesOf(state, ["1", "nothing"]), [[1, 1]]);
});

test("spanQuote shortens, folds white space, and finds my copy of an accepted suggestion", () => {
  const state = loaded(detail({ spans: [CLAIM, raw(8, "CLAIM", 37, 47, { suggestion: 60 })] }));
  assert.equal(spanQuote(state, "3"), "the deal is dead.");
  assert.equal(spanQuote(state, 3, 8), "the dea…");
  assert.equal(spanQuote(state, "8"), " Analysts"); // "\n\n" folded into one space
  assert.equal(spanQuote(state, 60), " Analysts");
  assert.equal(spanQuote(state, 999), "(span 999)");
});

test("clicking overlapping spans takes the shortest first, then each next one", () => {
  const state = loaded(detail({ spans: [CLAIM, raw(9, "CUE", 20, 28)] }));
  const keys = ["3", "9"];
  assert.equal(nextSelected(state, keys), "9");
  state.selected = "9";
  assert.equal(nextSelected(state, keys), "3");
  state.selected = "3";
  assert.equal(nextSelected(state, keys), "9");
});

test("a link takes my spans by their role, prefers a role still missing, and waits for unsaved spans", () => {
  const state = loaded(detail({ spans: [MINISTER, SAID, CLAIM, raw(10, "CLAIM", 39, 45), raw(11, "SOURCE", 20, 24, { annotator: 99 })] }));
  linkStart(state, "3");
  assert.deepEqual(linkKeys(state), ["3"]);
  assert.equal(linkCandidate(state, ["3", "1"]).key, "1");
  assert.equal(linkAdd(state, "11"), false); // not mine
  assert.equal(linkAdd(state, "1"), true);
  assert.equal(linkAdd(state, "2"), true);
  assert.equal(linkAdd(state, "10"), true);  // a second claim: a fragment
  assert.equal(linkAdd(state, "10"), true);  // only once
  assert.deepEqual(state.link, { claims: ["3", "10"], source: "1", cue: "2" });
  assert.equal(linkCandidate(state, ["3", "10"]), null);
  assert.deepEqual(linkBody(state), { claims: [3, 10], source: 1, cue: 2 });

  const draft = draftSpan(state, "CUE", 0, 2);
  putSpan(state, draft);
  linkAdd(state, draft.key);
  assert.equal(linkBody(state), null);
  replaceKeyInLink(state, draft.key, "2");
  assert.deepEqual(linkBody(state), { claims: [3, 10], source: 1, cue: 2 });
});

test("attributionsUsing finds the attributions a span is part of", () => {
  const a = { id: 20, claims: [3], source: 1, cue: null, attributes: {}, version: 1 };
  const b = { id: 21, claims: [10], source: null, cue: 2, attributes: {}, version: 1 };
  const state = loaded(detail({ spans: [MINISTER, SAID, CLAIM], attributions: [a, b] }));
  assert.deepEqual(attributionsUsing(state, 1).map((x) => x.id), [20]);
  assert.deepEqual(attributionsUsing(state, 2).map((x) => x.id), [21]);
  assert.deepEqual(attributionsUsing(state, 99), []);
  assert.deepEqual([...state.attributions.keys()], ["20", "21"]);
});

test("an address from the explorer names a shown span, one at its offsets, or the place", () => {
  const state = loaded(detail({ spans: [MINISTER, CLAIM] }));
  assert.equal(spanFromAddress(state, "#span=3&at=20-37").key, "3");
  assert.equal(spanFromAddress(state, "#span=99&at=6-14").key, "1"); // not in this layer: same offsets
  const place = spanFromAddress(state, "#span=99&at=15-19");
  assert.deepEqual([place.key, place.s16, place.e16], [null, 16, 20]); // after the emoji: +1 unit
  for (const bad of ["", "#span=99", "#at=9-3", "#at=0-9999", "#at=x-y", "#at=1-2-3"]) {
    assert.equal(spanFromAddress(state, bad), null, bad);
  }
});

test("a suggestion keeps its proposed source entity, and a span without one has none", () => {
  const proposed = { id: null, name: "Rafael Ortiz", type: "person", by: "coref-rules 1.0 new" };
  const state = loaded(detail({ spans: [MINISTER],
    suggestions: [raw(60, "SOURCE", 39, 47, { annotator: null, suggested_entity: proposed })] }));
  assert.deepEqual(state.spans.get("60").suggestedEntity, proposed);
  assert.equal(state.spans.get("1").suggestedEntity, null);
});
