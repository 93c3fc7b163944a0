// The workspace page's set-up, shared by its modules: configuration, API client,
// the elements it draws into, its state (workspace-state.js) and its message line.

import { messenger, pageSetUp } from "./page.js";
import { rolePatterns } from "./spans-style.js";
import { createState } from "./workspace-state.js";

export const { config, api } = pageSetUp("ann-config");
export const LABELS = new Map(config.labels.map((label) => [label.name, label]));
export const ROLE = config.role_labels; // {claim: "CLAIM", source: "SOURCE", cue: "CUE"}
export const PATTERN = rolePatterns(ROLE);

export const el = {
  text: document.getElementById("ann-text"),
  side: document.querySelector(".ann-side"),
  labels: document.getElementById("ann-labels"),
  attributions: document.getElementById("ann-attributions"),
  suggestions: document.getElementById("ann-suggestions"),
  feedback: document.getElementById("ann-feedback"),
  guidelines: document.getElementById("ann-guidelines"),
  message: document.getElementById("ann-message"),
  status: document.getElementById("ann-doc-status"),
  submit: document.getElementById("ann-submit"),
  snap: document.getElementById("ann-snap"),
  help: document.getElementById("ann-help"),
  linkBar: document.getElementById("ann-link-bar"),
  selectedInfo: document.getElementById("ann-selected"),
};

export const state = createState({ canAnnotate: config.can_annotate, userId: config.user.id, roles: ROLE });

export const say = messenger(el.message);
