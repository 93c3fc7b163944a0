// The explorer's charts as inline SVG, built with dom.js's svg() (no chart library, no
// innerHTML: names and outlets are user text, so they go in as text nodes). explorer.js
// gives them the figures of GET /api/projects/{id}/sources/.

import { h, svg } from "./dom.js";

const COLORS = ["#1d4ed8", "#b45309", "#15803d", "#7c3aed", "#be123c", "#0e7490", "#4d7c0f", "#a21caf"];
const TYPE_COLORS = { person: "#1d4ed8", organisation: "#15803d", anonymous: "#b45309",
  document: "#0e7490", group: "#7c3aed", other: "#6b7280" };
const NONE_COLOR = "#9ca3af";

export function typeColor(type) {
  return (type && Object.hasOwn(TYPE_COLORS, type)) ? TYPE_COLORS[type] : NONE_COLOR;
}

function cut(text, length) {
  return text.length > length ? `${text.slice(0, length - 1)}…` : text;
}

function empty(text) {
  return h("p", { className: "ann-muted" }, text);
}

// Horizontal bars, one per source, longest first; each bar is a button (click or
// Enter/Space) that calls pick(source). The bar's colour is the source's type; its claims
// at second hand (inside another's claim: X said that this source claimed Z) are the
// pale, striped end of the bar, and counted in its label.
export function sourceBars(sources, pick, chosen) {
  if (!sources.length) return empty("No claims with a source under these filters.");
  const left = 210, width = 560, bar = 18, gap = 6;
  const height = sources.length * (bar + gap) + 8;
  const most = Math.max(...sources.map((s) => s.claims));
  const x = (v) => ((width - left - 50) * v) / most;
  const root = svg("svg", { viewBox: `0 0 ${width} ${height}`, width, height, role: "list",
    "aria-label": "Sources ranked by claims" });
  sources.forEach((source, i) => {
    const y = 4 + i * (bar + gap);
    const key = source.entity === null ? "none" : String(source.entity);
    const second = source.second_hand || 0;
    const label = `${source.name}${source.type ? ` (${source.type})` : ""}: ${source.claims} claim(s) in ${source.documents} document(s)` +
      (second ? `, ${source.claims - second} at first hand and ${second} at second hand` : "");
    const firstWidth = Math.max(2, x(source.claims - second));
    const item = svg("g", { class: "ann-explorer-bar", role: "button", tabindex: 0,
      "aria-label": label, "aria-pressed": key === chosen ? "true" : "false", "data-entity": key },
    svg("title", {}, label),
    svg("text", { x: left - 6, y: y + bar - 5, "text-anchor": "end", "font-size": 12, fill: "#1f2328" }, cut(source.name, 30)),
    svg("rect", { x: left, y, width: firstWidth, height: bar, fill: typeColor(source.type), rx: 2 }),
    second ? svg("rect", { x: left + firstWidth, y, width: Math.max(2, x(second)), height: bar, rx: 2,
      fill: typeColor(source.type), "fill-opacity": 0.35, stroke: typeColor(source.type),
      "stroke-dasharray": "3 2", class: "ann-explorer-second-hand" }) : "",
    svg("text", { x: left + Math.max(2, x(source.claims)) + 4, y: y + bar - 5, "font-size": 11, fill: "#333" },
      second ? `${source.claims} (${second} second-hand)` : String(source.claims)));
    item.addEventListener("click", () => pick(source));
    item.addEventListener("keydown", (event) => {
      if (event.key === "Enter" || event.key === " ") { event.preventDefault(); pick(source); }
    });
    root.append(item);
  });
  const types = [...new Set(sources.map((s) => s.type))];
  const legend = h("ul", { className: "ann-chart-legend" }, ...types.map((type) => {
    const swatch = h("span", { className: "ann-chart-swatch" });
    swatch.style.backgroundColor = typeColor(type);
    return h("li", {}, swatch, type || "no entity");
  }));
  if (sources.some((s) => s.second_hand)) {
    const pale = h("span", { className: "ann-chart-swatch ann-chart-swatch-second-hand" });
    legend.append(h("li", {}, pale, "pale end: claims at second hand (inside another's claim)"));
  }
  return [root, legend];
}

// Stacked bars of shares: per row (an outlet or a month), the claims whose source is an
// anonymous entity, those with another entity, and those whose source names none.
export function shareBars(rows, name, caption) {
  if (!rows.length) return empty("No claims under these filters.");
  const left = 150, width = 560, bar = 16, gap = 8;
  const height = rows.length * (bar + gap) + 8;
  const most = Math.max(...rows.map((r) => r.claims), 1);
  const x = (v) => ((width - left - 110) * v) / most;
  const root = svg("svg", { viewBox: `0 0 ${width} ${height}`, width, height, role: "img", "aria-label": caption });
  rows.forEach((row, i) => {
    const y = 4 + i * (bar + gap);
    const parts = [[row.anonymous, TYPE_COLORS.anonymous, "anonymous"],
      [row.with_entity - row.anonymous, "#60a5fa", "named entity"],
      [row.claims - row.with_entity, NONE_COLOR, "no entity"]];
    const share = row.anonymous_share === null ? "—" : `${Math.round(row.anonymous_share * 100)}%`;
    root.append(svg("text", { x: left - 6, y: y + bar - 4, "text-anchor": "end", "font-size": 12, fill: "#1f2328" }, cut(name(row), 22)));
    let at = left;
    for (const [value, color, what] of parts) {
      if (value <= 0) continue;
      root.append(svg("rect", { x: at, y, width: x(value), height: bar, fill: color },
        svg("title", {}, `${name(row)}: ${value} claim(s), ${what}`)));
      at += x(value);
    }
    root.append(svg("text", { x: at + 4, y: y + bar - 4, "font-size": 11, fill: "#333", "data-share": share }, `${share} anonymous`));
  });
  const legend = h("ul", { className: "ann-chart-legend" },
    ...[[TYPE_COLORS.anonymous, "anonymous entity"], ["#60a5fa", "other entity"], [NONE_COLOR, "no entity"]].map(([color, text]) => {
      const swatch = h("span", { className: "ann-chart-swatch" });
      swatch.style.backgroundColor = color;
      return h("li", {}, swatch, text);
    }));
  return [root, legend];
}

// Lines of claims per month, one per source of the ranking's head. Months without a
// date ("no date") are left out of the lines and said in the caption.
export function timelineLines(series) {
  const months = [...new Set(series.flatMap((s) => s.points.map((p) => p.month)).filter(Boolean))].sort();
  if (!months.length) return empty("No dated claims under these filters.");
  const width = 760, height = 240;
  const plot = { left: 40, top: 12, right: width - 190, bottom: height - 34 };
  const most = Math.max(1, ...series.flatMap((s) => s.points.map((p) => p.claims)));
  const x = (m) => months.length < 2 ? (plot.left + plot.right) / 2
    : plot.left + (months.indexOf(m) / (months.length - 1)) * (plot.right - plot.left);
  const y = (v) => plot.bottom - (v / most) * (plot.bottom - plot.top);
  const root = svg("svg", { viewBox: `0 0 ${width} ${height}`, width, height, role: "img", "aria-label": "Claims per month, per source" });
  for (const v of [0, Math.ceil(most / 2), most]) {
    root.append(svg("line", { x1: plot.left, x2: plot.right, y1: y(v), y2: y(v), stroke: "#e5e7eb" }),
      svg("text", { x: plot.left - 6, y: y(v) + 4, "text-anchor": "end", "font-size": 10, fill: "#555" }, String(v)));
  }
  const step = Math.max(1, Math.ceil(months.length / 8));
  months.forEach((m, i) => {
    if (i % step === 0) root.append(svg("text", { x: x(m), y: plot.bottom + 16, "text-anchor": "middle", "font-size": 10, fill: "#555" }, m));
  });
  series.forEach((s, i) => {
    const color = COLORS[i % COLORS.length];
    const byMonth = new Map(s.points.filter((p) => p.month).map((p) => [p.month, p.claims]));
    const points = months.map((m) => `${x(m)},${y(byMonth.get(m) || 0)}`).join(" ");
    root.append(svg("polyline", { points, fill: "none", stroke: color, "stroke-width": 2 },
      svg("title", {}, s.name)),
    ...months.filter((m) => byMonth.has(m)).map((m) => svg("circle", { cx: x(m), cy: y(byMonth.get(m)), r: 3, fill: color },
      svg("title", {}, `${s.name}, ${m}: ${byMonth.get(m)} claim(s)`))),
    svg("rect", { x: plot.right + 14, y: plot.top + i * 18, width: 10, height: 10, fill: color }),
    svg("text", { x: plot.right + 30, y: plot.top + i * 18 + 9, "font-size": 11, fill: "#1f2328" }, cut(s.name, 30)));
  });
  return root;
}
