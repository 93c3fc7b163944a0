import assert from "node:assert/strict";
import { test } from "node:test";

import { jobPoller, moving } from "../../static/annotator/poll.js";

// Timers that run only when the test says so.
function fakeTimers() {
  const planned = new Map();
  let next = 1;
  return {
    planned,
    setTimeout: (run, ms) => { planned.set(next, { run, ms }); return next++; },
    clearTimeout: (id) => { planned.delete(id); },
    async fire() {
      const [id, { run }] = [...planned.entries()][0];
      planned.delete(id);
      await run();
    },
  };
}

test("moving: a queued or running job keeps the list watched", () => {
  assert.equal(moving([{ state: "done" }, { state: "failed" }, { state: "cancelled" }]), false);
  assert.equal(moving([{ state: "done" }, { state: "queued" }]), true);
  assert.equal(moving([{ state: "running" }]), true);
  assert.equal(moving([]), false);
});

test("the poller reads soon while a job moves, then every second, and stops when all have ended", async () => {
  const timers = fakeTimers();
  const answers = [[{ state: "queued" }], ...Array(6).fill([{ state: "running" }]), [{ state: "done" }]];
  const shown = [];
  const delays = [];
  const refresh = jobPoller({ read: async () => answers.shift(), show: (jobs) => shown.push(jobs[0].state),
    failed: () => assert.fail("no read failed"), timers });
  await refresh();
  while (timers.planned.size) {
    delays.push([...timers.planned.values()][0].ms);
    await timers.fire();
  }
  assert.deepEqual(delays, [100, 200, 400, 800, 1000, 1000, 1000]);
  assert.deepEqual(shown, ["queued", ...Array(6).fill("running"), "done"]);
});

test("a refresh asked for by the page starts the quick reads again", async () => {
  const timers = fakeTimers();
  const refresh = jobPoller({ read: async () => [{ state: "running" }], show: () => {}, failed: () => {}, timers });
  await refresh();
  for (let i = 0; i < 4; i++) await timers.fire();
  assert.deepEqual([...timers.planned.values()].map((t) => t.ms), [1000]);
  await refresh();  // a new job was just started
  assert.deepEqual([...timers.planned.values()].map((t) => t.ms), [100]);
});

test("a failed read is reported and tried again in 3 seconds", async () => {
  const timers = fakeTimers();
  const errors = [];
  let calls = 0;
  const refresh = jobPoller({
    read: async () => { calls += 1; if (calls === 1) throw new Error("offline"); return []; },
    show: () => {}, failed: (error) => errors.push(error.message), timers });
  await refresh();
  assert.deepEqual(errors, ["offline"]);
  assert.deepEqual([...timers.planned.values()].map((t) => t.ms), [3000]);
  await timers.fire();
  assert.equal(calls, 2);
  assert.equal(timers.planned.size, 0);
});

test("a refresh asked for by the page replaces the read planned before it", async () => {
  const timers = fakeTimers();
  const refresh = jobPoller({ read: async () => [{ state: "running" }], show: () => {}, failed: () => {}, timers });
  await refresh();
  await refresh();
  assert.equal(timers.planned.size, 1);
});
