// The agreement page: a table per scope (overall, labels, annotator pairs,
// documents) and a bar chart of the per-label scores, as inline SVG built here
// (no chart library). Numbers come from GET /api/projects/{id}/agreement/.

import { clear, h, svg } from "./dom.js";
import { pageSetUp } from "./page.js";

const { config, api } = pageSetUp("ann-agreement-config");
const el = {
  form: document.getElementById("ann-agreement-filters"),
  document: document.getElementById("ann-agreement-document"),
  label: document.getElementById("ann-agreement-label"),
  message: document.getElementById("ann-agreement-message"),
  chart: document.getElementById("ann-agreement-chart"),
  tables: document.getElementById("ann-agreement-tables"),
};

export const METRICS = [
  ["span_f1_exact", "Span F1 (exact)", "#1d4ed8"],
  ["span_f1_overlap", "Span F1 (overlap)", "#60a5fa"],
  ["cohen_kappa", "Cohen's κ", "#b45309"],
  ["krippendorff_alpha", "Krippendorff's α", "#15803d"],
  ["attribution_f1", "Attribution F1", "#7c3aed"],
];

export function formatScore(value) {
  return value === null || value === undefined ? "—" : value.toFixed(3);
}

function table(caption, headings, rows) {
  return h("table", { className: "ann-table ann-agreement-table" },
    h("caption", {}, caption),
    h("thead", {}, h("tr", {}, ...headings.map((t) => h("th", { scope: "col" }, t)))),
    h("tbody", {}, ...rows.map((cells) => h("tr", {}, ...cells.map((c, i) => (i === 0 ? h("th", { scope: "row" }, c) : h("td", {}, c)))))));
}

function scoreCells(row) {
  return METRICS.map(([key]) => formatScore(row[key]));
}

// Grouped horizontal bars: one group per label, one bar per metric.
function chart(groups) {
  const metrics = METRICS.filter(([key]) => groups.some((g) => g.row[key] !== null && g.row[key] !== undefined));
  const values = groups.flatMap((g) => metrics.map(([key]) => g.row[key])).filter((v) => v !== null && v !== undefined);
  if (!values.length) return h("p", { className: "ann-muted" }, "Nothing to chart yet.");
  const low = Math.min(0, ...values);
  const left = 120;
  const width = 640;
  const bar = 14;
  const groupHeight = metrics.length * (bar + 3) + 14;
  const height = groups.length * groupHeight + 36;
  const x = (v) => left + ((v - low) / (1 - low)) * (width - left - 60);
  const root = svg("svg", { viewBox: `0 0 ${width} ${height}`, width, height, role: "img",
    "aria-label": "Agreement per label" });
  for (const tick of [low, 0, 0.5, 1].filter((t, i, all) => all.indexOf(t) === i && t >= low)) {
    root.append(svg("line", { x1: x(tick), x2: x(tick), y1: 0, y2: height - 24, stroke: tick === 0 ? "#888" : "#ddd" }),
      svg("text", { x: x(tick), y: height - 8, "text-anchor": "middle", "font-size": 11, fill: "#555" }, tick.toFixed(1)));
  }
  groups.forEach((group, g) => {
    const top = g * groupHeight + 6;
    root.append(svg("text", { x: 0, y: top + groupHeight / 2, "font-size": 13, "font-weight": 600, fill: "#1f2328" }, group.name));
    metrics.forEach(([key, name, color], m) => {
      const value = group.row[key];
      const y = top + m * (bar + 3);
      if (value === null || value === undefined) {
        root.append(svg("text", { x: x(0) + 4, y: y + bar - 3, "font-size": 10, fill: "#888" }, `${name}: —`));
        return;
      }
      const from = x(Math.min(0, value));
      const to = x(Math.max(0, value));
      root.append(svg("rect", { x: from, y, width: Math.max(1, to - from), height: bar, fill: color },
        svg("title", {}, `${group.name} · ${name}: ${formatScore(value)}`)),
      svg("text", { x: to + 4, y: y + bar - 3, "font-size": 10, fill: "#333" }, formatScore(value)));
    });
  });
  const legend = h("ul", { className: "ann-chart-legend" }, ...metrics.map(([, name, color]) => {
    const swatch = h("span", { className: "ann-chart-swatch" });
    swatch.style.backgroundColor = color;
    return h("li", {}, swatch, name);
  }));
  return [root, legend];
}

function render(report) {
  const headings = METRICS.map(([, name]) => name);
  el.message.textContent = report.documents_compared
    ? `${report.documents_compared} document(s) compared, ${report.annotators.length} annotator(s).`
    : "No document has been finished by two annotators yet: nothing to compare.";
  const labelGroups = report.labels.map((row) => ({ name: row.label, row }));
  // With one label chosen, "overall" is that label's spans (and every attribution).
  const scope = el.label.value ? `${el.label.value} only` : "All labels";
  clear(el.chart).append(...[].concat(chart(el.label.value ? labelGroups : [{ name: scope, row: report.overall }, ...labelGroups])));
  clear(el.tables).append(
    table("Overall", ["Scope", ...headings, "Pairs"], [[scope, ...scoreCells(report.overall), String(report.overall.pairs)]]),
    table("Per label", ["Label", ...headings.slice(0, 4)], report.labels.map((r) => [r.label, ...scoreCells(r).slice(0, 4)])),
    table("Per annotator pair", ["Pair", ...headings, "Documents"], report.pairs.map((p) => [`${p.a_username} · ${p.b_username}`, ...scoreCells(p), String(p.documents)])),
    table("Per document", ["Document", ...headings, "Pairs"], report.documents.map((d) => [d.title || `Document ${d.document}`, ...scoreCells(d), String(d.pairs)])));
  if (el.document.options.length === 1) {
    for (const d of report.documents) el.document.append(h("option", { value: d.document }, d.title || `Document ${d.document}`));
  }
}

async function load() {
  const query = new URLSearchParams();
  if (el.document.value) query.set("document", el.document.value);
  if (el.label.value) query.set("label", el.label.value);
  el.message.textContent = "Loading…";
  try {
    render(await api.get(`/projects/${config.project_id}/agreement/?${query}`));
    document.body.dataset.ready = "true";
  } catch (error) {
    el.message.textContent = `Could not load the agreement: ${error.message}`;
  }
}

el.form.addEventListener("change", load);
el.form.addEventListener("submit", (event) => { event.preventDefault(); load(); });
load();
