// The annotation workspace: the document as text, spans drawn over it,
// attributions in a side panel, suggestions to accept or reject.
//
// Data flows one way (STYLE.md): events → api → state → render. The modules:
// workspace-state.js (the document model, DOM-free), workspace-render.js (the
// text), workspace-viewport.js (which of it is drawn in full: near the viewport;
// the rest light, chunks.js), workspace-panels.js (the side panels and bars), workspace-actions.js
// and workspace-links.js (what the user does, through the API),
// workspace-keys.js (keys and clicks); workspace-context.js holds the page's
// set-up they share. The pure helpers: offsets.js (UTF-16 ↔ code points, used
// only at the API boundary), layout.js (blocks and segments), selection.js
// (snapping), spans-style.js (underlines). An edit re-renders only the blocks
// its spans touch.

import { markdownToNodes } from "./dom.js";
import { load } from "./workspace-actions.js";
import { config, el, say, state } from "./workspace-context.js";
import { listen } from "./workspace-keys.js";
import { renderLabelButtons } from "./workspace-panels.js";
import { renderAll, scrollToSpan } from "./workspace-render.js";
import { spanFromAddress } from "./workspace-state.js";

listen();
el.guidelines.append(...markdownToNodes(config.guidelines || "No guidelines yet."));
renderLabelButtons();
try {
  await load();
  // A link from the explorer names a span (#span=ID&at=START-END): select it and go there.
  const target = spanFromAddress(state, location.hash);
  if (target?.key) state.selected = target.key;
  renderAll();
  if (target) scrollToSpan(target);
  document.body.dataset.ready = "true"; // for tests and the benchmark: interactive now
} catch (error) {
  say(`Could not load the document: ${error.message}`, "error", [["Try again", () => location.reload()]]);
}
