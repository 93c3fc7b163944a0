// The review page's set-up, shared by its modules: configuration, API client,
// the elements it draws into, its state, its message line, and the server's
// rule of who decides what.

import { messenger, pageSetUp } from "./page.js";
import { rolePatterns } from "./spans-style.js";

export const { config, api } = pageSetUp("ann-review-config");
export const LABELS = new Map(config.labels.map((label) => [label.name, label]));
export const ROLE = config.role_labels;
export const PATTERN = rolePatterns(ROLE);
export const REVIEWED = ["submitted", "approved"]; // whose work is under review
export const OWN_LABEL = "This is your own label: another reviewer decides it (the project's setting review_own_labels is off).";

// The server's rule (access.may_review), so that the page offers only what it will accept:
// nobody decides a label they made, unless the project allows it; a reviewer's correction
// is its maker's review act, which they may take back.
export function mayDecide(row) {
  return config.review_own_labels || row.origin === "review" || row.annotator !== config.user.id;
}

export function ownWork(annotatorId) {
  return !config.review_own_labels && annotatorId === config.user.id;
}

export const el = {
  text: document.getElementById("ann-text"),
  side: document.querySelector(".ann-side"),
  item: document.getElementById("ann-item"),
  items: document.getElementById("ann-items"),
  annotators: document.getElementById("ann-annotators"),
  progress: document.getElementById("ann-review-progress"),
  message: document.getElementById("ann-message"),
  approveAgreed: document.getElementById("ann-approve-agreed"),
  approveDocument: document.getElementById("ann-approve-document"),
  returnForm: document.getElementById("ann-return-form"),
  returnWho: document.getElementById("ann-return-annotator"),
  returnNote: document.getElementById("ann-return-note"),
  help: document.getElementById("ann-help"),
};

export const state = {
  text: "",
  index: null,
  blocks: [],
  spans: [],          // the API's rows, every layer
  entityNames: new Map(), // source entity id → {id, name, type}: the ones the spans mention
  attributions: [],
  statuses: [],       // [{annotator, username, status, span_count}]
  participants: [],   // annotator ids under review
  items: [],
  byKey: new Map(),
  current: -1,        // index into items
  view: "merged",
  mode: null,         // null | "reject" | "correct"
  busy: false,
};

export const say = messenger(el.message);

export function username(id) {
  const row = state.statuses.find((s) => s.annotator === id);
  if (row) return row.username;
  return id === config.user.id ? config.user.username : `user ${id}`;
}
