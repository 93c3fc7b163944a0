// What every annotator page sets up the same way: its configuration (a
// json_script block), the message line, small buttons, the keys help dialog,
// and quiet handling of API errors already shown to the user.

import { ApiError, NetworkError, createApi } from "./api.js";
import { clear, h } from "./dom.js";

// The page's configuration and an API client that sends its CSRF token.
export function pageSetUp(configId) {
  const config = JSON.parse(document.getElementById(configId).textContent);
  return { config, api: createApi({ csrfToken: config.csrf_token }) };
}

// say(text, kind, actions) on the given message element; actions are [label, run] buttons.
export function messenger(box) {
  return function say(text, kind = "info", actions = []) {
    clear(box);
    if (!text) return;
    box.className = `ann-message ann-message-${kind}`;
    box.append(h("span", {}, text));
    for (const [label, run] of actions) {
      const b = h("button", { type: "button", className: "ann-button ann-button-small" }, label);
      b.addEventListener("click", run);
      box.append(" ", b);
    }
  };
}

// A small button; a click on it goes no further than it (the list item around it has its own).
export function button(label, run, props = {}) {
  const b = h("button", { type: "button", className: "ann-button ann-button-small", ...props }, label);
  b.addEventListener("click", (event) => { event.stopPropagation(); run(); });
  return b;
}

export function toggleHelp(help) {
  help.hidden = !help.hidden;
  if (!help.hidden) help.querySelector("button").focus();
}

// The help dialog's Close button, and no "Uncaught (in promise)" page error for an
// ApiError or NetworkError: the page has told the user already, and its key and click
// handlers start actions without awaiting them.
export function pageEvents(help) {
  help.querySelector("button").addEventListener("click", () => { help.hidden = true; });
  window.addEventListener("unhandledrejection", (event) => {
    if (event.reason instanceof ApiError || event.reason instanceof NetworkError) event.preventDefault();
  });
}
