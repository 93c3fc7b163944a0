import assert from "node:assert/strict";
import { test } from "node:test";

import { labelRows, labelsPayload, newLabelRow } from "../../static/annotator/project-form-labels.js";

test("rows take each label's role from the project's role labels, defaults otherwise", () => {
  const rows = labelRows([{ id: 4, name: "STATEMENT", hotkey: "s", color: "#112233" },
    { id: 5, name: "SOURCE" }, { name: "VERB" }], { claim: "STATEMENT", cue: "VERB" });
  assert.deepEqual(rows.map((r) => [r.id, r.name, r.role]),
    [[4, "STATEMENT", "claim"], [5, "SOURCE", "source"], [null, "VERB", "cue"]]);
  assert.equal(new Set(rows.map((r) => r.key)).size, 3);
});

test("the payload keeps ids of saved labels only, trims names and maps roles", () => {
  const rows = labelRows([{ id: 4, name: "CLAIM", hotkey: "1", color: "#000000" }]);
  const fresh = { ...newLabelRow(), name: " EVIDENCE ", role: "cue" };
  const { labels, roleLabels } = labelsPayload([...rows, fresh]);
  assert.deepEqual(labels, [
    { id: 4, name: "CLAIM", hotkey: "1", color: "#000000", description: "" },
    { name: "EVIDENCE", hotkey: "", color: "#6b7280", description: "" }]);
  assert.deepEqual(roleLabels, { claim: "CLAIM", cue: "EVIDENCE" });
});
