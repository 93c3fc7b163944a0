// The explorer's other appearances of a claim: the pure parts (static/annotator/explorer-groups.js).
import { test } from "node:test";
import assert from "node:assert/strict";

import { appearanceLine, httpUrl, sourceText } from "../../static/annotator/explorer-groups.js";

test("only http and https source URLs become links", () => {
  assert.equal(httpUrl("https://example.org/a?b=1"), "https://example.org/a?b=1");
  assert.equal(httpUrl("http://example.org"), "http://example.org/");
  for (const bad of ["javascript:alert(1)", "data:text/html,x", "ftp://x", "not a url", ""]) {
    assert.equal(httpUrl(bad), null, bad);
  }
});

test("a source reads as its quote with the entity's name, or either alone", () => {
  assert.equal(sourceText({ quote: "he", name: "The minister" }), "he (The minister)");
  assert.equal(sourceText({ quote: "The minister", name: "The minister" }), "The minister");
  assert.equal(sourceText({ quote: "officials", name: null }), "officials");
  assert.equal(sourceText({ quote: null, name: null }), "(no source)");
});

test("an appearance names its document, outlet and date, or says undated", () => {
  const doc = { id: 7, title: "", outlet: "Herald", published: null };
  assert.equal(appearanceLine({ document: doc }), "Document 7 · Herald · undated");
  assert.equal(appearanceLine({ document: { ...doc, title: "A", outlet: "", published: "2026-03-01" } }),
    "A · 2026-03-01");
});
