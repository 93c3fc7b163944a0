// The learning curve's geometry, DOM-free (tests/js/training-chart.test.js): overlap F1
// per label against the number of training documents. training.js draws it as SVG.

export const CURVE_LABELS = ["CLAIM", "SOURCE", "CUE"];

// curve: [{documents, overlap: {CLAIM: f1|null, ...}}, ...] in order of documents.
// Returns {width, height, plot: {left, top, right, bottom}, lines: [{label, points:
// [{x, y, documents, f1}]}], xTicks: [{x, text}], yTicks: [{y, text}], legend: {x, rows:
// [{label, y}]}}. A label with no
// score at some point (nothing predicted, nothing in the held-out slice) skips it.
// The legend goes in the right margin (legend.x), beside the plot, never over its lines.
export function curveGeometry(curve, { width = 440, height = 200, labels = CURVE_LABELS } = {}) {
  const plot = { left: 40, top: 12, right: width - 84, bottom: height - 32 };
  const most = Math.max(1, ...curve.map((point) => point.documents));
  const least = Math.min(most, ...curve.map((point) => point.documents));
  const span = most - least || 1;
  const x = (documents) => (curve.length < 2 || most === least)
    ? (plot.left + plot.right) / 2
    : plot.left + ((documents - least) / span) * (plot.right - plot.left);
  const y = (f1) => plot.bottom - f1 * (plot.bottom - plot.top);
  const lines = labels.map((label) => ({
    label,
    points: curve
      .filter((point) => typeof point.overlap?.[label] === "number")
      .map((point) => ({ x: round(x(point.documents)), y: round(y(point.overlap[label])),
                         documents: point.documents, f1: point.overlap[label] })),
  }));
  const xTicks = curve.map((point) => ({ x: round(x(point.documents)), text: String(point.documents) }));
  const yTicks = [0, 0.25, 0.5, 0.75, 1].map((f1) => ({ y: round(y(f1)), text: f1.toFixed(2) }));
  const legend = { x: plot.right + 14, rows: labels.map((label, index) => ({ label, y: plot.top + 8 + index * 16 })) };
  return { width, height, plot, lines, xTicks, yTicks, legend };
}

function round(value) {
  return Math.round(value * 10) / 10;
}
