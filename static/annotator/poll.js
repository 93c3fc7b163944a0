// Watching background jobs (pre-tagging, exports): read their list and show it,
// read again while one is queued or running -- soon at first (0.1 s, then twice as
// long each time, up to every second: a job's first progress or a small export shows
// at once, a long job costs a read a second) -- and stop once all have ended; after a
// failed read, say so and try again in 3 seconds. DOM-free.

export const MOVING = ["queued", "running"];

export function moving(jobs) {
  return jobs.some((job) => MOVING.includes(job.state));
}

// refresh(): one read now, and the quick reads again (a call cancels the read planned
// before it). read() answers the jobs; show(jobs) draws them; failed(error) tells the
// user the read failed.
export function jobPoller({ read, show, failed, firstMs = 100, fastMs = 1000, slowMs = 3000,
  timers = globalThis }) {
  let timer = null;
  let delayMs = firstMs;
  async function poll() {
    timers.clearTimeout(timer);
    let jobs;
    try {
      jobs = await read();
    } catch (error) {
      failed(error);
      timer = timers.setTimeout(poll, slowMs);
      return;
    }
    show(jobs);
    if (moving(jobs)) {
      timer = timers.setTimeout(poll, delayMs);
      delayMs = Math.min(delayMs * 2, fastMs);
    }
  }
  return function refresh() {
    delayMs = firstMs;
    return poll();
  };
}
