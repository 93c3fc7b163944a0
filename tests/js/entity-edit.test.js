import assert from "node:assert/strict";
import { test } from "node:test";

import { aliasesFrom, entityChanges, entityError, mergeChoices, mergeQuestion } from "../../static/annotator/entity-edit.js";

const vollmer = { id: 1, name: "Hanna Vollmer", type: "person", aliases: ["Vollmer"], mentions: 3, version: 2 };

test("aliases are one a line, trimmed, without blanks or repeats in any case", () => {
  assert.deepEqual(aliasesFrom(" Vollmer \r\n\nthe minister\nVOLLMER\n"), ["Vollmer", "the minister"]);
  assert.deepEqual(aliasesFrom(""), []);
});

test("a save sends only what changed, and nothing when nothing did", () => {
  assert.equal(entityChanges(vollmer, { name: " Hanna Vollmer ", type: "person", aliases: "Vollmer" }), null);
  assert.deepEqual(entityChanges(vollmer, { name: "H. Vollmer", type: "person", aliases: "Vollmer" }), { name: "H. Vollmer" });
  assert.deepEqual(entityChanges(vollmer, { name: "Hanna Vollmer", type: "group", aliases: "" }), { type: "group", aliases: [] });
});

test("the merge question names both entities and the mentions that move", () => {
  const question = mergeQuestion({ ...vollmer, mentions: 1 }, { id: 2, name: "Minister <b>V</b>" });
  assert.match(question, /^Merge “Hanna Vollmer” into “Minister <b>V<\/b>”\? Its 1 mention move/);
  assert.match(mergeQuestion(vollmer, { id: 2, name: "X" }), /Its 3 mentions move to “X”/);
});

test("the picker never offers the entity itself", () => {
  assert.deepEqual(mergeChoices([vollmer, { id: 5, name: "Other" }], vollmer).map((e) => e.id), [5]);
});

test("a conflict says someone changed it and to reload; a missing entity says it is gone", () => {
  assert.match(entityError({ status: 409, message: "stale" }, "Hanna Vollmer"), /^Someone changed “Hanna Vollmer” since you opened it: reload it/);
  assert.match(entityError({ status: 404, message: "" }, "X"), /no longer exists/);
  assert.match(entityError({ status: 400, message: "name: too long" }, "X"), /Could not save “X”: name: too long/);
});
