// Pre-tagging jobs on a project page: start one, watch its progress live, cancel it.
import { clear, h } from "./dom.js";
import { pageSetUp } from "./page.js";
import { jobPoller } from "./poll.js";

const root = document.getElementById("ann-jobs");
const { config, api } = pageSetUp("ann-jobs-config");
const list = root.querySelector(".ann-job-list");
const message = root.querySelector(".ann-job-message");

function describe(job) {
  const percent = Math.round(job.progress * 100);
  const when = new Date(job.created_at).toLocaleString();
  const item = h("li", { className: `ann-job ann-job-${job.state}`, dataset: { id: job.id, state: job.state } },
    h("div", { className: "ann-job-head" },
      h("strong", {}, `${job.tagger_name} ${job.tagger_version}`),
      h("span", { className: "ann-job-state" }, job.state),
      h("span", { className: "ann-muted" }, `started ${when}${job.requested_by ? ` by ${job.requested_by}` : ""}`)),
    h("progress", { max: job.total, value: job.done, "aria-label": `Job ${job.id} progress` }),
    h("div", { className: "ann-job-counts" },
      `${job.done} / ${job.total} documents (${percent}%) · ${job.suggestions_made} suggestions · ${job.errors} errors`));
  if (job.error) item.append(h("div", { className: job.state === "failed" ? "ann-error" : "ann-muted" }, job.error));
  if (config.can_manage && ["queued", "running"].includes(job.state)) {
    const cancel = h("button", { type: "button", className: "ann-button ann-button-small ann-button-quiet" }, "Cancel");
    cancel.addEventListener("click", async () => {
      cancel.disabled = true;
      try {
        await api.post(`/pretag-jobs/${job.id}/cancel/`);
      } catch (error) {
        message.textContent = `Could not cancel: ${error.message}`;
      }
      refresh();
    });
    item.append(cancel);
  }
  return item;
}

// Poll while something is moving; stop when everything has ended.
const refresh = jobPoller({
  read: () => api.get(`/projects/${config.project_id}/pretag-jobs/`),
  show: (jobs) => {
    clear(list).append(...jobs.slice(0, 10).map(describe));
    if (!jobs.length) list.append(h("li", { className: "ann-muted" }, "No pre-tagging jobs yet."));
  },
  failed: (error) => { message.textContent = `Could not read the jobs: ${error.message} (retrying)`; },
});

const start = root.querySelector("form");
if (start) {
  start.addEventListener("submit", async (event) => {
    event.preventDefault();
    const selected = [...document.querySelectorAll("input[name=pretag-document]:checked")].map((box) => Number(box.value));
    const scope = new FormData(start).get("scope");
    const body = { documents: scope === "selected" ? selected : null };
    if (scope === "selected" && !selected.length) {
      message.textContent = "Tick the documents to pre-tag in the list below first.";
      return;
    }
    try {
      const job = await api.post(`/projects/${config.project_id}/pretag-jobs/`, body);
      message.textContent = `Job ${job.id} started: ${job.total} document(s).`;
    } catch (error) {
      message.textContent = `Could not start: ${error.message}`;
    }
    refresh();
  });
}
refresh();
