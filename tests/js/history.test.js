import assert from "node:assert/strict";
import { test } from "node:test";

import { historyEntries } from "../../static/annotator/history.js";

const span = { id: 7, label: "CLAIM", start: 0, end: 4, quote: "Deal" };
const at = (n) => `2026-12-01T10:00:0${n}Z`;

test("a deleted span's history shows its review from the event, the delete and the restore", () => {
  const events = [
    { action: "create", target_type: "span", actor_name: "ann", created_at: at(1), after: span },
    { action: "approve", target_type: "span", actor_name: "rev", created_at: at(2), note: "ok",
      before: { review_state: "pending" }, after: { review_state: "approved" } },
    { action: "delete", target_type: "span", actor_name: "ann", created_at: at(3), before: span },
    { action: "restore", target_type: "span", actor_name: "ann", created_at: at(4), after: span,
      note: "its delete was undone" },
  ];
  // Deleted: the decision rows went with the span.
  const deleted = historyEntries({ events: events.slice(0, 3), reviews: [] });
  assert.deepEqual(deleted.map((e) => [e.who, e.what]), [
    ["ann", "created CLAIM “Deal” [0, 4)"], ["rev", "approved it"], ["ann", "deleted it"]]);
  // Restored, with its decision written again: one line for the review, not two.
  const review = { decision: "approve", reviewer_name: "rev", note: "ok", created_at: at(2) };
  const restored = historyEntries({ events, reviews: [review] });
  assert.deepEqual(restored.map((e) => e.what), [
    "created CLAIM “Deal” [0, 4)", "approved it", "deleted it", "restored it"]);
  assert.equal(restored[3].why, "its delete was undone");
});

test("an annotator's reject of a suggestion is not taken for a review", () => {
  const events = [{ action: "reject", target_type: "span", actor_name: "ann", created_at: at(1),
    after: { ...span, status: "rejected", review_state: "pending" } }];
  assert.deepEqual(historyEntries({ events }).map((e) => e.what),
    ["rejected the pre-tagger's suggestion"]);
});

test("an attribution's history says when its parent (second-hand claims) changed", () => {
  const before = { claims: [3], source: 4, cue: 5, attributes: {}, parent: null };
  const events = [
    { id: 1, action: "create", target_type: "attribution", before: null, after: before, actor_name: "ann", created_at: "2026-12-04T10:00:00Z" },
    { id: 2, action: "update", target_type: "attribution", before, after: { ...before, parent: 11 }, actor_name: "ann", created_at: "2026-12-04T10:01:00Z" },
    { id: 3, action: "update", target_type: "attribution", before: { ...before, parent: 11 }, after: before, actor_name: "ann", created_at: "2026-12-04T10:02:00Z", note: "its parent attribution 11 was deleted" },
  ];
  const whats = historyEntries({ events }).map((e) => e.what);
  assert.ok(whats.some((w) => w.includes("parent none (first-hand) → attribution 11")), whats);
  assert.ok(whats.some((w) => w.includes("parent attribution 11 → none (first-hand)")), whats);
});
