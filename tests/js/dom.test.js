import assert from "node:assert/strict";
import { test } from "node:test";

import { own } from "../../static/annotator/dom.js";

test("own reads only a user-given key's own value, never what objects inherit", () => {
  const stored = JSON.parse('{"__proto__": "x", "quote_type": "direct"}');
  assert.equal(own(stored, "__proto__"), "x");
  assert.equal(own(stored, "quote_type"), "direct");
  for (const name of ["constructor", "toString", "hasOwnProperty", "valueOf"]) {
    assert.equal(own(stored, name), undefined);
    assert.equal(own({}, name), undefined);
  }
  assert.equal(own({ CLAIM: "solid" }, "constructor") || "solid", "solid");
  assert.equal(own(null, "a"), undefined);
  assert.equal(own(undefined, "a"), undefined);
});
