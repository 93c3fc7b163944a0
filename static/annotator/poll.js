// Watching background jobs (pre-tagging, exports): read their list and show it,
// read again every second while one is queued or running, stop once all have
// ended; after a failed read, say so and try again in 3 seconds. DOM-free.

export const MOVING = ["queued", "running"];

export function moving(jobs) {
  return jobs.some((job) => MOVING.includes(job.state));
}

// refresh(): one read now (a call cancels the read planned before it). read() answers
// the jobs; show(jobs) draws them; failed(error) tells the user the read failed.
export function jobPoller({ read, show, failed, fastMs = 1000, slowMs = 3000, timers = globalThis }) {
  let timer = null;
  async function refresh() {
    timers.clearTimeout(timer);
    let jobs;
    try {
      jobs = await read();
    } catch (error) {
      failed(error);
      timer = timers.setTimeout(refresh, slowMs);
      return;
    }
    show(jobs);
    if (moving(jobs)) timer = timers.setTimeout(refresh, fastMs);
  }
  return refresh;
}
