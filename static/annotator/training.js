// Training a model from the project's approved labels (project page): the Train button,
// the job's live progress, each model's held-out scores and learning curve, and the
// choice of the tagger the project's pre-tagging uses. User text via text nodes only.
import { createApi } from "./api.js";
import { clear, h } from "./dom.js";
import { CURVE_LABELS, curveGeometry } from "./training-chart.js";

const root = document.getElementById("ann-training");
const config = JSON.parse(document.getElementById("ann-jobs-config").textContent);
const api = createApi({ csrfToken: config.csrf_token });
const message = root.querySelector(".ann-training-message");
const using = root.querySelector(".ann-training-tagger");
const needs = root.querySelector(".ann-training-needs");
const button = root.querySelector(".ann-training-start");
const progress = root.querySelector(".ann-training-progress");
const detail = root.querySelector(".ann-training-detail");
const list = root.querySelector(".ann-training-models");
const SVG = "http://www.w3.org/2000/svg";
const COLORS = { CLAIM: "#2563eb", SOURCE: "#16a34a", CUE: "#b45309" };
let timer = null;
let shown = null;   // the model whose scores are shown
let watching = false;

function figure(value) {
  return typeof value === "number" ? value.toFixed(2) : "–";
}

function svg(tag, attributes = {}, text = null) {
  const el = document.createElementNS(SVG, tag);
  for (const [key, value] of Object.entries(attributes)) el.setAttribute(key, String(value));
  if (text !== null) el.textContent = text;
  return el;
}

function chart(curve) {
  const g = curveGeometry(curve);
  const root = svg("svg", { viewBox: `0 0 ${g.width} ${g.height}`, width: g.width, height: g.height,
                            role: "img", class: "ann-training-chart" });
  root.append(svg("title", {}, "Learning curve: overlap F1 per label by training documents"));
  for (const tick of g.yTicks) {
    root.append(svg("line", { x1: g.plot.left, x2: g.plot.right, y1: tick.y, y2: tick.y, stroke: "#e5e7eb" }),
      svg("text", { x: g.plot.left - 6, y: tick.y + 4, "text-anchor": "end", "font-size": 10 }, tick.text));
  }
  for (const tick of g.xTicks) {
    root.append(svg("text", { x: tick.x, y: g.plot.bottom + 14, "text-anchor": "middle", "font-size": 10 }, tick.text));
  }
  root.append(svg("text", { x: (g.plot.left + g.plot.right) / 2, y: g.height - 4, "text-anchor": "middle",
                            "font-size": 10 }, "training documents"));
  g.lines.forEach((line, index) => {
    const color = COLORS[line.label] || "#555";
    if (line.points.length > 1) {
      root.append(svg("polyline", { points: line.points.map((p) => `${p.x},${p.y}`).join(" "),
                                    fill: "none", stroke: color, "stroke-width": 2,
                                    class: "ann-curve-line", "data-label": line.label }));
    }
    for (const p of line.points) {
      const dot = svg("circle", { cx: p.x, cy: p.y, r: 3, fill: color, class: "ann-curve-point" });
      dot.append(svg("title", {}, `${line.label}: F1 ${figure(p.f1)} with ${p.documents} documents`));
      root.append(dot);
    }
    const { y } = g.legend.rows[index];
    root.append(svg("rect", { x: g.legend.x, y: y - 4, width: 12, height: 3, fill: color }),
      svg("text", { x: g.legend.x + 16, y: y, "font-size": 11 }, line.label));
  });
  return root;
}

function scoreTable(scores) {
  const head = h("tr", {}, h("th", { scope: "col" }, "Label"),
    ...["exact", "overlap"].flatMap((mode) => ["P", "R", "F1"].map((what) => h("th", { scope: "col" }, `${mode} ${what}`))));
  const names = [...CURVE_LABELS, ...Object.keys(scores.overlap || {}).filter((n) => !CURVE_LABELS.includes(n))];
  const rows = names.map((name) => h("tr", { dataset: { label: name } }, h("th", { scope: "row" }, name),
    ...["exact", "overlap"].flatMap((mode) => {
      const s = (scores[mode] || {})[name] || {};
      return [s.precision, s.recall, s.f1].map((v) => h("td", {}, figure(v)));
    })));
  return h("table", { className: "ann-table ann-training-scores" }, h("thead", {}, head), h("tbody", {}, ...rows));
}

async function showModel(id) {
  shown = id;
  let model;
  try {
    model = await api.get(`/projects/${config.project_id}/models/${id}/`);
  } catch (error) {
    message.textContent = `Could not read the model: ${error.message}`;
    return;
  }
  const c = model.counts || {};
  clear(detail).append(
    h("h3", {}, `Model ${model.version}: held-out scores`),
    h("p", { className: "ann-muted" },
      `Trained on ${c.training ?? "?"} approved documents, scored on ${c.held_out ?? "?"} held out (never trained on).`),
    scoreTable(model.scores || {}),
    h("h3", {}, "Learning curve (overlap F1)"),
    chart(model.curve || []));
}

async function choose(body) {
  try {
    await api.post(`/projects/${config.project_id}/tagger/`, body);
  } catch (error) {
    message.textContent = `Could not choose: ${error.message}`;
  }
  refresh();
}

function describeModel(model, inUse) {
  const c = model.counts || {};
  const when = new Date(model.created_at).toLocaleString();
  const item = h("li", { className: `ann-job ann-model${model.in_use ? " ann-model-in-use" : ""}`, dataset: { id: model.id } },
    h("div", { className: "ann-job-head" },
      h("strong", {}, `Model ${model.version}`),
      h("span", { className: "ann-muted" }, `${model.tagger_name} ${model.tagger_version}`),
      model.in_use ? h("span", { className: "ann-job-state" }, "in use") : null,
      h("span", { className: "ann-muted" }, `trained ${when}${model.created_by ? ` by ${model.created_by}` : ""}`)),
    h("div", { className: "ann-job-counts" },
      `${c.training ?? "?"} training + ${c.held_out ?? "?"} held-out documents · data SHA-256 ${model.training_sha256.slice(0, 12)}…`));
  const show = h("button", { type: "button", className: "ann-button ann-button-small ann-button-quiet ann-model-show" }, "Scores");
  show.addEventListener("click", () => showModel(model.id));
  item.append(show);
  if (config.can_manage && !model.in_use) {
    const use = h("button", { type: "button", className: "ann-button ann-button-small ann-model-use" }, "Use for pre-tagging");
    use.addEventListener("click", () => choose({ model: model.id }));
    item.append(use);
  }
  return item;
}

function describeJob(job) {
  const percent = Math.round(job.progress * 100);
  const box = h("div", { className: `ann-job ann-job-${job.state}`, dataset: { id: job.id, state: job.state } },
    h("div", { className: "ann-job-head" },
      h("strong", {}, `Training job ${job.id}`),
      h("span", { className: "ann-job-state" }, job.state),
      // the stage says more than the state only while the job runs ("done done" otherwise)
      h("span", { className: "ann-muted" }, job.stage && job.stage !== job.state ? job.stage : "")),
    h("progress", { max: 100, value: percent, "aria-label": `Training job ${job.id} progress` }),
    h("div", { className: "ann-job-counts" }, `${percent}%`));
  if (job.error) box.append(h("div", { className: job.state === "failed" ? "ann-error" : "ann-muted" }, job.error));
  if (config.can_manage && ["queued", "running"].includes(job.state)) {
    const cancel = h("button", { type: "button", className: "ann-button ann-button-small ann-button-quiet ann-training-cancel" }, "Cancel");
    cancel.addEventListener("click", async () => {
      cancel.disabled = true;
      try {
        await api.post(`/projects/${config.project_id}/training-jobs/${job.id}/cancel/`);
        message.textContent = `Training job ${job.id} cancelled: no model is made.`;
      } catch (error) {
        message.textContent = `Could not cancel: ${error.message}`;
      }
      refresh();
    });
    box.querySelector(".ann-job-head").append(cancel);
  }
  return box;
}

async function refresh() {
  clearTimeout(timer);
  let tagger, models, jobs;
  try {
    [tagger, models, jobs] = await Promise.all([
      api.get(`/projects/${config.project_id}/tagger/`),
      api.get(`/projects/${config.project_id}/models/`),
      api.get(`/projects/${config.project_id}/training-jobs/`)]);
  } catch (error) {
    message.textContent = `Could not read the models: ${error.message} (retrying)`;
    timer = setTimeout(refresh, 3000);
    return;
  }
  clear(using).append("Pre-tagging uses ", h("strong", {}, tagger.model ? `model ${tagger.model.version}` : tagger.tagger),
    tagger.model ? ` (${tagger.tagger} ${tagger.model.tagger_version})` : " (rules, no training data needed)");
  if (config.can_manage && tagger.model) {
    const rules = h("button", { type: "button", className: "ann-button ann-button-small ann-button-quiet ann-use-rules" }, "Use the rules tagger");
    rules.addEventListener("click", () => choose({ tagger: "rules-attribution" }));
    using.append(" ", rules);
  }
  const active = jobs.find((job) => ["queued", "running"].includes(job.state));
  if (button) {
    const enough = tagger.approved >= tagger.needed;
    button.disabled = !enough || Boolean(active);
    needs.textContent = enough
      ? `${tagger.approved} approved documents; a fifth or so are held out to score the model.`
      : `Training needs at least ${tagger.needed} approved documents; this project has ${tagger.approved}. Approve more, or import an annotated file with "Take the file's labels as approved".`;
  }
  const latest = active || jobs[0];
  clear(progress);
  if (latest && (active || latest.state === "failed" || watching)) progress.append(describeJob(latest));
  clear(list).append(...models.map((model) => describeModel(model)));
  if (!models.length) list.append(h("li", { className: "ann-muted" }, "No trained models yet."));
  if (active) {
    watching = true;
    timer = setTimeout(refresh, 1000);
  } else if (watching && latest && latest.state === "done" && latest.model) {
    watching = false;
    showModel(latest.model);
  } else if (shown === null && models.length) {
    showModel(models[0].id);
  }
}

if (button) {
  button.addEventListener("click", async () => {
    button.disabled = true;
    try {
      const job = await api.post(`/projects/${config.project_id}/models/`, {});
      message.textContent = `Training job ${job.id} started.`;
      watching = true;
    } catch (error) {
      message.textContent = `Could not start training: ${error.message}`;
    }
    refresh();
  });
}
refresh();
// An import may bring approved documents: the count and the button follow at once.
document.addEventListener("ann:imported", () => refresh());
