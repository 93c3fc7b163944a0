import assert from "node:assert/strict";
import { test } from "node:test";

import { historyEntries } from "../../static/annotator/history.js";
import { agreedTargets, bulkOutcome, bulkOutcomeText, decidable, decisionTargets, mergeLayers, nextUndecided, summary,
  undecidedOf } from "../../static/annotator/review-merge.js";

const A = 1;
const B = 2;
const REVIEWER = 9;
let nextId = 1;

function span(annotator, label, start, end, extra = {}) {
  return { id: nextId++, annotator, label, start, end, quote: "x".repeat(end - start),
    origin: "human", review_state: "pending", ...extra };
}

function attribution(annotator, claims, source, cue, extra = {}) {
  return { id: nextId++, annotator, claims: claims.map((c) => c.id), source: source ? source.id : null,
    cue: cue ? cue.id : null, attributes: {}, origin: "human", review_state: "pending", ...extra };
}

test("identical spans of everyone are one agreed item; the others are conflicts", () => {
  const aClaim = span(A, "CLAIM", 0, 10);
  const bClaim = span(B, "CLAIM", 0, 10);
  const aSource = span(A, "SOURCE", 12, 20);
  const bSource = span(B, "SOURCE", 12, 24); // other boundaries
  const bCue = span(B, "CUE", 30, 34); // only B
  const { items, byKey } = mergeLayers({ spans: [aClaim, bClaim, aSource, bSource, bCue], attributions: [], participants: [A, B] });
  const claim = byKey.get("s:CLAIM:0:10");
  assert.deepEqual(claim.annotators, [A, B]);
  assert.equal(claim.agreed, true);
  assert.deepEqual(claim.conflicts, []);
  assert.deepEqual(byKey.get("s:SOURCE:12:20").conflicts, ["s:SOURCE:12:24"]);
  assert.deepEqual(byKey.get("s:SOURCE:12:24").conflicts, ["s:SOURCE:12:20"]);
  assert.equal(byKey.get("s:CUE:30:34").agreed, false);
  assert.deepEqual(byKey.get("s:CUE:30:34").conflicts, []); // nobody disagrees: B alone has it
  assert.deepEqual(items.map((i) => i.key), ["s:CLAIM:0:10", "s:SOURCE:12:24", "s:SOURCE:12:20", "s:CUE:30:34"]);
});

test("the same boundaries with another label conflict; nesting of other labels does not", () => {
  const aClaim = span(A, "CLAIM", 0, 30);
  const aSource = span(A, "SOURCE", 5, 10); // inside the claim: nesting, fine
  const bCue = span(B, "CUE", 5, 10); // same range as A's SOURCE: a label conflict
  const { byKey } = mergeLayers({ spans: [aClaim, aSource, bCue], attributions: [], participants: [A, B] });
  assert.deepEqual(byKey.get("s:SOURCE:5:10").conflicts, ["s:CUE:5:10"]);
  assert.deepEqual(byKey.get("s:CLAIM:0:30").conflicts, []);
});

test("attributions merge by their spans' positions; a different source is a conflict", () => {
  const [ac, as, bc, bs, bs2] = [span(A, "CLAIM", 0, 10), span(A, "SOURCE", 12, 20), span(B, "CLAIM", 0, 10),
    span(B, "SOURCE", 12, 20), span(B, "SOURCE", 40, 45)];
  const same = mergeLayers({ spans: [ac, as, bc, bs], participants: [A, B],
    attributions: [attribution(A, [ac], as, null), attribution(B, [bc], bs, null)] });
  const [agreed] = same.items.filter((i) => i.kind === "attribution");
  assert.equal(agreed.agreed, true);
  assert.equal(agreed.rows.length, 2);
  const different = mergeLayers({ spans: [ac, as, bc, bs, bs2], participants: [A, B],
    attributions: [attribution(A, [ac], as, null), attribution(B, [bc], bs2, null)] });
  const pair = different.items.filter((i) => i.kind === "attribution");
  assert.equal(pair.length, 2);
  assert.ok(pair.every((i) => !i.agreed && i.conflicts.length === 1));
});

test("layers of annotators not under review are left out; corrections are items but not votes", () => {
  const a = span(A, "CLAIM", 0, 10);
  const other = span(3, "CLAIM", 0, 10);
  const fix = span(REVIEWER, "CLAIM", 0, 12, { origin: "review", review_state: "approved" });
  const { byKey } = mergeLayers({ spans: [a, other, fix], attributions: [], participants: [A] });
  assert.deepEqual(byKey.get("s:CLAIM:0:10").rows.map((r) => r.id), [a.id]);
  const correction = byKey.get("s:CLAIM:0:12");
  assert.equal(correction.correction, true);
  assert.deepEqual(correction.annotators, []);
  assert.equal(correction.state, "approved");
});

test("approving an attribution also sends its spans' rows; rejecting sends its own rows only", () => {
  const [ac, as, bc, bs] = [span(A, "CLAIM", 0, 10), span(A, "SOURCE", 12, 20), span(B, "CLAIM", 0, 10), span(B, "SOURCE", 12, 20)];
  const merged = mergeLayers({ spans: [ac, as, bc, bs], participants: [A, B],
    attributions: [attribution(A, [ac], as, null), attribution(B, [bc], bs, null)] });
  const item = merged.items.find((i) => i.kind === "attribution");
  const approve = decisionTargets(item, merged.byKey, "approve");
  assert.deepEqual(approve.spans.sort(), [ac.id, as.id, bc.id, bs.id].sort());
  assert.equal(approve.attributions.length, 2);
  assert.deepEqual(decisionTargets(item, merged.byKey, "reject").spans, []);
});

test("approving an attribution never sends a span a reviewer rejected", () => {
  const [ac, as] = [span(A, "CLAIM", 0, 10), span(A, "SOURCE", 12, 20, { review_state: "rejected" })];
  const merged = mergeLayers({ spans: [ac, as], participants: [A], attributions: [attribution(A, [ac], as, null)] });
  const item = merged.items.find((i) => i.kind === "attribution");
  assert.deepEqual(decisionTargets(item, merged.byKey, "approve").spans, [ac.id]);
});

test("approve all agreed takes every agreed item not yet approved", () => {
  const rows = [span(A, "CLAIM", 0, 10), span(B, "CLAIM", 0, 10), span(A, "CUE", 11, 14),
    span(A, "SOURCE", 20, 25, { review_state: "approved" }), span(B, "SOURCE", 20, 25, { review_state: "approved" })];
  const { items } = mergeLayers({ spans: rows, attributions: [], participants: [A, B] });
  const { spans, attributions } = agreedTargets(items);
  assert.deepEqual({ spans, attributions }, { spans: [rows[0].id, rows[1].id], attributions: [] });
  assert.deepEqual(summary(items), { total: 3, decided: 1, agreed: 2, openConflicts: 1 });
});

test("approve all agreed leaves out what a reviewer rejected, and the decided rows of a mixed item", () => {
  const rows = [span(A, "CLAIM", 0, 10, { review_state: "rejected" }), span(B, "CLAIM", 0, 10, { review_state: "rejected" }),
    span(A, "CUE", 11, 14, { review_state: "rejected" }), span(B, "CUE", 11, 14),
    span(A, "SOURCE", 20, 25), span(B, "SOURCE", 20, 25)];
  const { items } = mergeLayers({ spans: rows, attributions: [], participants: [A, B] });
  const targets = agreedTargets(items);
  assert.deepEqual(targets.spans, [rows[3].id, rows[4].id, rows[5].id]);
  assert.deepEqual(targets.items.map((i) => [i.key, i.ids]), [["s:CUE:11:14", [rows[3].id]],
    ["s:SOURCE:20:25", [rows[4].id, rows[5].id]]]);
});

test("one's own rows are not decided: an item of one's own alone is not decidable", () => {
  const mine = span(REVIEWER, "CLAIM", 0, 10);
  const theirs = span(A, "CLAIM", 0, 10);
  const onlyMine = span(REVIEWER, "CUE", 11, 14);
  const { byKey } = mergeLayers({ spans: [mine, theirs, onlyMine], attributions: [], participants: [A, REVIEWER] });
  const mayDecide = (row) => row.annotator !== REVIEWER;
  assert.deepEqual(decisionTargets(byKey.get("s:CLAIM:0:10"), byKey, "approve", mayDecide).spans, [theirs.id]);
  assert.equal(decidable(byKey.get("s:CLAIM:0:10"), mayDecide), true);
  assert.equal(decidable(byKey.get("s:CUE:11:14"), mayDecide), false);
  assert.deepEqual(decisionTargets(byKey.get("s:CUE:11:14"), byKey, "reject", mayDecide).spans, []);
});

test("the answer to approve all is told in items, with every reason for what was left", () => {
  const sent = [{ kind: "span", ids: [1, 2] }, { kind: "span", ids: [3, 4] }, { kind: "span", ids: [5] },
    { kind: "attribution", ids: [6] }, { kind: "span", ids: [7, 8] }, { kind: "span", ids: [9] }];
  const answer = {
    decisions: [{ span: 1 }, { span: 2 }, { span: 3 }, { span: 7 }, { span: 8 }, { span: 20 }],
    left: [{ span: 4, attribution: null, reason: "own_label" }, { span: 5, attribution: null, reason: "already_decided" },
      { span: null, attribution: 6, reason: "rejected_part" }, { span: 9, attribution: null, reason: "own_label" }],
  };
  const outcome = bulkOutcome(sent, answer);
  assert.deepEqual(outcome, { approved: 3, ownCopies: 1, left: { already_decided: 1, own_label: 1, rejected_part: 1 } });
  assert.equal(bulkOutcomeText(outcome), "Approved 3 agreed labels (your own copy of 1 is left to another reviewer); "
    + "left 3: 1 already decided, 1 your own, 1 a span of it rejected.");
  assert.equal(bulkOutcomeText({ approved: 5, ownCopies: 0, left: { already_decided: 1, own_label: 1, rejected_part: 0 } }),
    "Approved 5 agreed labels; left 2: 1 already decided, 1 your own.");
  assert.equal(bulkOutcomeText({ approved: 1, ownCopies: 0, left: { already_decided: 0, own_label: 0, rejected_part: 0 } }),
    "Approved 1 agreed label.");
});

test("undecided labels of some annotators: only their pending rows count", () => {
  const rows = [span(A, "CLAIM", 0, 10), span(B, "CLAIM", 0, 10, { review_state: "approved" }), span(B, "CUE", 11, 14)];
  const { items } = mergeLayers({ spans: rows, attributions: [], participants: [A, B] });
  assert.equal(undecidedOf(items, [A]), 1);
  assert.equal(undecidedOf(items, [B]), 1);
  assert.equal(undecidedOf(items, [A, B]), 2);
});

test("next undecided skips decided items and wraps around", () => {
  const items = [{ state: "approved" }, { state: "pending" }, { state: "rejected" }, { state: "mixed" }];
  assert.equal(nextUndecided(items, 1), 3);
  assert.equal(nextUndecided(items, 3), 1);
  assert.equal(nextUndecided([{ state: "approved" }], 0), -1);
});

test("history lines come in time order, review decisions once, with their reasons", () => {
  const lines = historyEntries({
    events: [
      { action: "create", target_type: "span", actor_name: "ann", created_at: "2026-01-01T10:00:00Z", note: "",
        after: { label: "CLAIM", start: 0, end: 4, quote: "Deal" } },
      { action: "reject", target_type: "span", actor_name: "rev", created_at: "2026-01-02T10:00:00Z", note: "Too short",
        before: { review_state: "pending" }, after: { review_state: "rejected" } },
      { action: "update", target_type: "span", actor_name: "ann", created_at: "2026-01-01T11:00:00Z", note: "",
        before: { label: "CLAIM", start: 0, end: 4, quote: "Deal" }, after: { label: "SOURCE", start: 0, end: 4, quote: "Deal" } },
    ],
    reviews: [{ decision: "reject", reviewer_name: "rev", created_at: "2026-01-02T10:00:00Z", note: "Too short" }],
  });
  assert.deepEqual(lines.map((l) => `${l.who} ${l.what}${l.why ? ` (${l.why})` : ""}`), [
    "ann created CLAIM “Deal” [0, 4)",
    "ann changed label CLAIM → SOURCE",
    "rev rejected it (Too short)",
  ]);
});

test("a second-hand attribution's item names the item of its parent (both annotators')", () => {
  const claims = [span(A, "CLAIM", 0, 40), span(B, "CLAIM", 0, 40)];
  const inner = [span(A, "CLAIM", 20, 40), span(B, "CLAIM", 20, 40)];
  const outerA = attribution(A, [claims[0]], null, null);
  const outerB = attribution(B, [claims[1]], null, null);
  const innerA = attribution(A, [inner[0]], null, null, { parent: outerA.id });
  const innerB = attribution(B, [inner[1]], null, null); // B did not nest it: still one item
  const { byKey } = mergeLayers({ spans: [...claims, ...inner], attributions: [outerA, outerB, innerA, innerB],
    participants: [A, B] });
  const outerKey = "a:s:CLAIM:0:40|-|-|[]";
  assert.equal(byKey.get("a:s:CLAIM:20:40|-|-|[]").parent, outerKey);
  assert.equal(byKey.get(outerKey).parent, null);
});
