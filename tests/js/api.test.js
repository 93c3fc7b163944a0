import assert from "node:assert/strict";
import { test } from "node:test";

import { ApiError, NetworkError, createApi, newIdempotencyKey } from "../../static/annotator/api.js";

// A fake fetch: plays the given outcomes in turn (a status, or "drop" for a network
// error) and records the headers of every request.
function fakeFetch(outcomes) {
  const seen = [];
  const fetchImpl = async (url, init) => {
    seen.push({ url, method: init.method, headers: { ...init.headers } });
    const next = outcomes.shift();
    if (next === "drop") throw new TypeError("Failed to fetch");
    return { status: next, ok: next < 400, json: async () => ({ id: 7 }) };
  };
  return { fetchImpl, seen };
}

const keysOf = (seen) => seen.map((r) => r.headers["Idempotency-Key"]);

test("a write carries one key through all its retries", async () => {
  const { fetchImpl, seen } = fakeFetch(["drop", 502, 201]);
  const api = createApi({ csrfToken: "t", fetchImpl, retryDelaysMs: [0, 0, 0] });
  assert.deepEqual(await api.post("/documents/1/spans/", { label: "CLAIM" }), { id: 7 });
  const keys = keysOf(seen);
  assert.equal(keys.length, 3);
  assert.match(keys[0], /^[0-9a-f]{32}$/);
  assert.deepEqual(new Set(keys).size, 1);
});

test("every new action gets a fresh key, and reads none", async () => {
  const { fetchImpl, seen } = fakeFetch([201, 201, 200, 204]);
  const api = createApi({ csrfToken: "t", fetchImpl, retryDelaysMs: [] });
  await api.post("/documents/1/spans/", { label: "CLAIM" });
  await api.post("/documents/1/spans/", { label: "CLAIM" });
  await api.get("/documents/1/");
  await api.delete("/spans/3/", 2);
  const [a, b, read, del] = keysOf(seen);
  assert.notEqual(a, b);
  assert.equal(read, undefined);
  assert.ok(del && del !== a && del !== b);
});

test("a write that got no answer keeps its key when sent again, until it is answered", async () => {
  const { fetchImpl, seen } = fakeFetch(["drop", "drop", 409, 201]);
  const api = createApi({ csrfToken: "t", fetchImpl, retryDelaysMs: [0] });
  const body = { claims: [1], source: 2, cue: null };
  await assert.rejects(api.post("/documents/1/attributions/", body), NetworkError);
  await assert.rejects(api.post("/documents/1/attributions/", body), ApiError); // the Retry button
  await api.post("/documents/1/attributions/", body); // answered before: a new action
  const keys = keysOf(seen);
  assert.equal(keys[0], keys[1]);
  assert.equal(keys[2], keys[0]);
  assert.notEqual(keys[3], keys[0]);
});

test("keys are random", () => {
  const keys = new Set(Array.from({ length: 1000 }, newIdempotencyKey));
  assert.equal(keys.size, 1000);
});
