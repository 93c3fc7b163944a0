// Import and export on a project page: start an export and watch it to its download
// link; upload a file to import, with upload progress and the list of bad lines.
// Built with dom.js h() only: file names and error texts come from users.
import { ApiError } from "./api.js";
import { clear, h } from "./dom.js";
import { pageSetUp } from "./page.js";
import { jobPoller } from "./poll.js";

const root = document.getElementById("ann-transfers");
const { config, api } = pageSetUp("ann-transfers-config");
const message = root.querySelector(".ann-transfer-message");
const list = root.querySelector(".ann-export-list");
const errors = root.querySelector(".ann-import-errors");

function describeExport(job) {
  const percent = Math.round(job.progress * 100);
  const layer = job.layer === "annotator" ? `${job.annotator}'s labels` : `${job.layer} labels`;
  const item = h("li", { className: `ann-job ann-job-${job.state}`, dataset: { id: job.id, state: job.state } },
    h("div", { className: "ann-job-head" },
      h("strong", {}, `${job.format} · ${layer}`),
      h("span", { className: "ann-job-state" }, job.state),
      h("span", { className: "ann-muted" }, `${new Date(job.created_at).toLocaleString()}${job.requested_by ? ` by ${job.requested_by}` : ""}`)),
    h("progress", { max: Math.max(job.total, 1), value: job.state === "done" ? Math.max(job.total, 1) : job.done, "aria-label": `Export ${job.id} progress` }),
    h("div", { className: "ann-job-counts" }, `${job.done} / ${job.total} documents (${percent}%)`));
  if (job.download_url) {
    const counts = job.counts || {};
    item.append(h("div", {},
      h("a", { href: job.download_url, download: "", className: "ann-button ann-button-small" }, "Download"),
      " ",
      h("span", { className: "ann-muted" },
        `${counts.spans ?? 0} spans, ${counts.attributions ?? 0} attributions${counts.lost ? `, ${counts.lost} not representable (loss-report.jsonl)` : ""} · ${(job.size / 1024).toFixed(1)} KiB · SHA-256 ${job.sha256.slice(0, 12)}…`)));
  }
  if (job.expired) item.append(h("div", { className: "ann-muted" }, "Its file was deleted (finished exports are kept for a limited time): start the export again."));
  if (job.error) item.append(h("div", { className: "ann-error" }, job.error));
  return item;
}

const refreshExports = config.can_export ? jobPoller({
  read: () => api.get(`/projects/${config.project_id}/export-jobs/`),
  show: (jobs) => clear(list).append(...jobs.slice(0, 5).map(describeExport)),
  failed: (error) => { message.textContent = `Could not read the exports: ${error.message} (retrying)`; },
}) : async () => {};

const exportForm = root.querySelector(".ann-export-form");
if (exportForm) {
  exportForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    clear(errors);
    const form = new FormData(exportForm);
    try {
      const job = await api.post(`/projects/${config.project_id}/export-jobs/`,
        { format: form.get("format"), layer: form.get("layer") });
      message.textContent = `Export ${job.id} started: ${job.total} document(s).`;
    } catch (error) {
      message.textContent = `Could not start the export: ${error.message}`;
    }
    refreshExports();
  });
}

// fetch() cannot report upload progress; XMLHttpRequest can.
function upload(url, body, onProgress) {
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open("POST", url);
    request.setRequestHeader("X-CSRFToken", config.csrf_token);
    request.setRequestHeader("Accept", "application/json");
    request.upload.addEventListener("progress", (event) => {
      if (event.lengthComputable) onProgress(event.loaded / event.total);
    });
    request.addEventListener("load", () => {
      let data = null;
      try {
        data = JSON.parse(request.responseText);
      } catch {
        data = null;
      }
      if (request.status >= 200 && request.status < 300) resolve(data);
      else reject(new ApiError(request.status, data));
    });
    request.addEventListener("error", () => reject(new Error("Could not reach the server.")));
    request.send(body);
  });
}

// The document list is rendered by the server (one template): after an import the page
// asks for itself again and swaps in the new list. DOMParser builds an inert document (its
// scripts never run) from the server's escaped HTML; no user text passes through innerHTML.
async function refreshDocuments() {
  const current = document.getElementById("ann-documents");
  if (!current) return;
  const response = await fetch(window.location.href, { headers: { Accept: "text/html" }, credentials: "same-origin" });
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  const page = new DOMParser().parseFromString(await response.text(), "text/html");
  const fresh = page.getElementById("ann-documents");
  if (fresh) current.replaceWith(document.importNode(fresh, true));
}

function describeImport(report) {
  const parts = [`Imported ${report.created} document(s) (${report.duplicates} already here), ${report.spans} span(s), ${report.attributions} attribution(s)`];
  if (report.suggestions) parts.push(`${report.suggestions} suggestion(s)`);
  const layers = Object.entries(report.layers || {});
  if (layers.length > 1) parts.push(`layers: ${layers.map(([name, n]) => `${name} ${n}`).join(", ")}`);
  const dropped = Object.entries(report.review_states_dropped || {}).map(([state, n]) => `${n} ${state}`);
  if (dropped.length) parts.push(`review states not kept: ${dropped.join(", ")} (labels are unreviewed)`);
  if ((report.normalized || []).length) parts.push(`${report.normalized.length} document(s) normalised`);
  return `${parts.join("; ")}.`;
}

function showImportNotes(report) {
  for (const change of report.normalized || []) {
    errors.append(h("li", { className: "ann-import-note" }, h("code", {}, change.where),
      `: normalised: ${change.line_ends} line end(s), ${change.nfc} character(s) NFC rewrote, ${change.removed} code point(s) removed, ${change.spans_moved} span(s) moved.`));
  }
  for (const note of report.notes || []) {
    errors.append(h("li", { className: "ann-import-note" }, h("code", {}, note.where), `: ${note.note}`));
  }
  if (report.more_notes) errors.append(h("li", { className: "ann-import-note" }, `… and ${report.more_notes} more notes.`));
}

function showImportErrors(body) {
  clear(errors);
  for (const problem of (body && body.errors) || []) {
    errors.append(h("li", {}, h("code", {}, problem.where), `: ${problem.reason}`));
  }
  if (body && body.more_errors) errors.append(h("li", {}, `… and ${body.more_errors} more.`));
}

const importForm = root.querySelector(".ann-import-form");
if (importForm) {
  const bar = root.querySelector(".ann-import-progress");
  importForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    const button = importForm.querySelector("button");
    button.disabled = true;
    bar.hidden = false;
    bar.value = 0;
    clear(errors);
    message.textContent = "Uploading…";
    try {
      const report = await upload(`/api/projects/${config.project_id}/imports/`, new FormData(importForm), (share) => {
        bar.value = Math.round(share * 100);
        if (share >= 1) message.textContent = "Checking and importing…";
      });
      message.textContent = describeImport(report);
      showImportNotes(report);
      if (report.created) {
        // Other cards of the page count documents too (the learned tagger's card).
        document.dispatchEvent(new CustomEvent("ann:imported", { detail: report }));
        try {
          await refreshDocuments();
        } catch (error) {
          message.textContent += ` (The list could not be refreshed: ${error.message}; reload the page.)`;
        }
      }
    } catch (error) {
      const body = error.body || {};
      const reason = body.errors ? (body.file || []).join(" ") : error.message;
      message.textContent = `Nothing was imported: ${reason}`;
      showImportErrors(error.body);
    } finally {
      button.disabled = false;
      bar.hidden = true;
    }
  });
}

refreshExports();
