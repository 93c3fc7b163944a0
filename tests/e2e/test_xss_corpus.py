"""Issue 8, point 4: an XSS corpus in every displayed field executes 0 times in Chromium.

tests/e2e/xss_corpus.py holds the payloads (each calls __xss(N), opens a dialog
or requests http://xss.invalid/N if it ever runs). The fixture below stores them,
through the services, in everything the pages show that a user can write:

- document text and titles, project names, descriptions and guidelines (Markdown);
- label descriptions (shown as the label buttons' tooltips), label hotkeys and
  names. Label names are restricted to [A-Za-z][A-Za-z0-9_-]* by the Label model
  and its service, so they carry no markup: they get the allowed names that
  clash with JavaScript's own (`constructor`, `toString`, ...) instead;
- attribute definitions (names and choices) and an attribution's attribute
  values, changed often enough that the history lists every value;
- review notes and the notes of returns, shown to the annotator;
- user names. Django's username validator allows only [\\w.@+-], and the pages
  show nothing but the username (not first or last name), so the users here are
  made with payload usernames straight through the ORM, as a single-sign-on
  backend that does not run the validator could make them; a few names the
  validator allows but JavaScript objects own (`__proto__`, `constructor`) too;
- pre-tagging jobs: tagger name and version (a tagger registered under a payload
  name) and the failure message; export jobs: the annotator and the failure
  message; import: the names of the files inside an uploaded zip and the upload's
  own name, in the list of bad lines;
- a document's language (metadata), which becomes the text's lang="...": one
  value per document, so as many payloads as documents.

A field holds every payload where its size allows (a project name 200
characters, a title 500: so 63 projects and 63 documents share them out), and at
least 150 everywhere but in the restricted and one-value fields above; the test
prints how many each field shows on each page. The Content-Security-Policy stays
on, and a payload that it blocked fails the test all the same; XSS_WITHOUT_CSP=1
runs the browser with the policy ignored, where the payloads' markers are what
would fire: the rendering code, not the policy, must keep them inert.

Every page that shows these is opened (home, review queue, every project page,
workspace, review view and agreement page) and used: the history panels, the help
overlay, the side-by-side view, an import. Then: no payload called __xss, no
dialog opened, no request left the test server's known pages, no
Content-Security-Policy violation was reported (with a CSP a blocked payload
still means the code built a script-capable node: that is a failure too), no
script-capable node or handler attribute is in the DOM, Object.prototype is
unchanged, and every payload is on the page verbatim, as text, in the element
that shows its field (so none was parsed and dropped).
"""
from __future__ import annotations

import io
import json
import os
import re
import time
import zipfile
from collections import defaultdict
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import pytest

from .conftest import PASSWORD, TIMEOUT_MS, VIEWPORT, login, show_text_at
from .xss_corpus import Payload, joined, markdown_inline_text, pack, payload_id_in, payloads

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAYLOADS = payloads()
BY_ID = {p.id: p for p in PAYLOADS}
MINIMUM = 150  # per field and page, where the field can hold that many (see coverage below)

# Names that pass the Label and username validators but that JavaScript objects own.
JS_OWN_NAMES = ["constructor", "toString", "valueOf", "hasOwnProperty", "isPrototypeOf",
                "prototype", "length", "innerHTML", "onerror", "javascript"]
JS_OWN_USERNAMES = ["__proto__", "constructor", "toString", "hasOwnProperty", "valueOf",
                    "javascript.alert"]
HOSTILE_HOTKEYS = ["<", ">", '"', "'", "&", "`"]

# --- In the browser ---------------------------------------------------------------------------

# Runs in every frame before the page's own scripts: report CSP violations (a payload the
# policy blocked) and remember Object.prototype, to see whether anything polluted it.
INIT_JS = """
(() => {
  document.addEventListener("securitypolicyviolation", (e) => {
    try {
      const target = e.target && e.target.outerHTML
        ? e.target.outerHTML.slice(0, 300) : String(e.target);
      window.__xssCsp({directive: e.violatedDirective, blocked: e.blockedURI, sample: e.sample,
                       target, source: e.sourceFile, line: e.lineNumber,
                       page: String(location.href)});
    } catch (err) { /* the binding is missing in a frame it cannot reach */ }
  }, true);
  window.__xssProtoBefore = Object.getOwnPropertyNames(Object.prototype).sort().join(",");
})();
"""

# The text the user sees in the elements matching a selector: text nodes only, leaving out
# <script> and <style> contents (the bootstrap JSON holds every payload, but is not shown).
TEXT_JS = """
(selectors) => selectors.map((selector) => {
  const out = [];
  for (const root of document.querySelectorAll(selector)) {
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let node; (node = walker.nextNode()); ) {
      if (node.parentElement.closest("script, style")) continue;
      out.push(node.data);
    }
    out.push("\\n");
  }
  return out.join("");
})
"""

# Script-capable or request-making nodes and attributes that the app itself never makes.
SCAN_JS = r"""
() => {
  const origin = location.origin;
  const found = [];
  const say = (el, why) => found.push(`${why}: ${el.outerHTML.slice(0, 120)}`);
  const appScripts = new Set(["ann-config", "ann-review-config", "ann-agreement-config",
                              "ann-jobs-config", "ann-transfers-config", "ann-assign-config",
                              "ann-members-config", "ann-project-form-config",
                              "ann-explorer-config", "ann-entities-config"]);
  const ownUrl = (value) => { try { const u = new URL(value, location.href);
    return u.origin === origin && /^\/(static|api)\//.test(u.pathname); } catch { return false; } };
  for (const el of document.querySelectorAll("*")) {
    for (const a of el.attributes) {
      if (/^on/i.test(a.name)) say(el, `handler ${a.name}`);
      if (/^(href|src|action|formaction|data|srcdoc|xlink:href|poster|background|srcset|dynsrc|lowsrc|code|codebase)$/i.test(a.name)
          && /^\s*(javascript|data|vbscript|livescript)\s*:/i.test(a.value)) say(el, `url ${a.name}`);
      if (/^(srcdoc|formaction|background|poster|dynsrc|lowsrc|xmlns|xlink:href|http-equiv)$/i.test(a.name)) say(el, `attribute ${a.name}`);
      if (a.name === "style" && /url\(|expression|behavior|import/i.test(a.value)) say(el, "style");
    }
    if (el instanceof HTMLUnknownElement) say(el, "unknown element");
  }
  const risky = "iframe, frame, frameset, object, embed, applet, base, meta[http-equiv], img, image, "
    + "video, audio, source, track, picture, template, math, marquee, noscript, xmp, noembed, "
    + "noframes, plaintext, listing, portal, bgsound, isindex, keygen, xml, style, svg";
  for (const el of document.querySelectorAll(risky)) {
    if (el.closest("#ann-agreement-chart")) continue;  // the agreement chart's own SVG (checked below)
    if (el.closest(".ann-explorer-grid .ann-chart")) continue;  // the explorer's charts (below)
    if (el.matches("#ann-text .ann-block > svg.ann-arcs")) continue;  // attribution arcs (checked below)
    say(el, "element");
  }
  for (const el of document.querySelectorAll("svg.ann-arcs, svg.ann-arcs *")) {
    if (!["svg", "g", "path"].includes(el.localName) || el.textContent) say(el, "arc element");
  }
  for (const el of document.querySelectorAll("#ann-agreement-chart svg *")) {
    if (!["line", "text", "rect", "title"].includes(el.localName)) say(el, "chart element");
  }
  for (const el of document.querySelectorAll(".ann-explorer-grid .ann-chart *")) {
    if (el.closest("svg") ? !["svg", "g", "line", "text", "rect", "title", "polyline", "circle"].includes(el.localName)
      : !["ul", "li", "span", "p"].includes(el.localName)) say(el, "explorer chart element");
  }
  for (const el of document.querySelectorAll("script")) {
    if (appScripts.has(el.id) && el.type === "application/json") continue;
    if (el.type === "module" && ownUrl(el.getAttribute("src") || "")) continue;
    say(el, "script");
  }
  for (const el of document.querySelectorAll("link")) {
    if (["stylesheet", "icon", "preload", "modulepreload"].includes(el.rel) && ownUrl(el.getAttribute("href"))) continue;
    say(el, "link");
  }
  for (const el of document.querySelectorAll("a[href], area[href]")) {
    if (!["http:", "https:"].includes(el.protocol) || el.origin !== origin) say(el, "link target");
  }
  for (const el of document.querySelectorAll("form[action]")) {
    if (new URL(el.getAttribute("action"), location.href).href !== `${origin}/logout/`) say(el, "form action");
  }
  const proto = Object.getOwnPropertyNames(Object.prototype).sort().join(",");
  if (proto !== window.__xssProtoBefore) found.push(`Object.prototype changed: ${proto}`);
  if (({}).xss !== undefined) found.push("({}).xss is set");
  return found;
}
"""

# The server's own pages, static files and API: anything else is a payload's request.
KNOWN_PATHS = re.compile(r"^/($|login/$|review/$"
                         r"|projects/\d+/($|agreement/$|settings/$|members/$|dashboard/$|explorer/$|entities/$)"
                         r"|documents/\d+/($|review/$)|static/|api/)")


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


class Watch:
    """What the payloads could have done, seen from Python: calls, dialogs, requests, CSP reports."""

    def __init__(self, origin: str):
        self.origin = origin
        self.hits: list[tuple[str, str]] = []
        self.dialogs: list[tuple[str, str]] = []
        self.foreign: list[str] = []
        self.csp: list[dict] = []
        self.js_errors: list[str] = []
        self.dom: list[str] = []

    def attach(self, context):
        context.expose_binding("__xss", lambda source, *args: self.hits.append(
            (source["frame"].url, json.dumps(args, default=str))))
        context.expose_binding("__xssCsp", lambda source, report: self.csp.append(report))
        context.add_init_script(INIT_JS)
        context.on("request", self._request)
        context.on("page", self._page)

    def _request(self, request):
        parts = urlsplit(request.url)
        if f"{parts.scheme}://{parts.netloc}" != self.origin or not KNOWN_PATHS.match(parts.path):
            self.foreign.append(request.url)

    def _page(self, page):
        page.on("dialog", lambda dialog: (self.dialogs.append((page.url, dialog.message)),
                                          dialog.dismiss()))
        page.on("pageerror", lambda error: self.js_errors.append(f"{page.url}: {error}"))

    def summary(self) -> str:
        return (f"ran: {self.ran()}; calls {self.hits[:5]}, dialogs {self.dialogs[:5]}, "
                f"requests {self.foreign[:5]}, CSP reports {self.csp[:5]}")

    def scan(self, page):
        self.dom.extend(f"{page.url}: {line}" for line in page.evaluate(SCAN_JS))

    def ran(self) -> dict:
        """Payload ids that ran (or tried to), by how they were seen; "?" where none is known."""
        def found(values):
            return sorted({payload_id_in(v) or "?" for v in values}, key=str)
        return {"calls": found(args for _, args in self.hits),
                "dialogs": found(message for _, message in self.dialogs),
                "requests": found(self.foreign),
                "csp": found(f"{r.get('sample')} {r.get('blocked')} {r.get('target')}"
                             for r in self.csp)}


@dataclass
class Coverage:
    """Which payloads were seen verbatim, per field and page; and what was missing."""

    seen: dict = field(default_factory=lambda: defaultdict(set))
    missing: list[str] = field(default_factory=list)

    def expect(self, page, field_name: str, where: str, selector: str,
               expected: dict[int, str]) -> None:
        self.expect_all(page, [(field_name, where, selector, expected)])

    def expect_all(self, page, checks: list[tuple[str, str, str, dict[int, str]]]) -> None:
        """Several expect()s with one trip to the browser: (field, where, selector, expected)."""
        texts = page.evaluate(TEXT_JS, [selector for _, _, selector, _ in checks])
        for (field_name, where, selector, expected), shown in zip(checks, texts):
            self.expect_in(field_name, where, shown, expected, selector)

    def expect_in(self, field_name: str, where: str, shown: str, expected: dict[int, str],
                  selector: str = "") -> None:
        shown = _norm(shown)
        for pid, text in expected.items():
            if _norm(text) in shown:
                self.seen[(field_name, where)].add(pid)
            else:
                self.missing.append(f"{field_name} on {where} ({selector}): payload {pid} {text!r}")

    def expect_value(self, field_name: str, where: str, shown: list[str],
                     expected: dict[int, str]) -> None:
        shown_set = {_norm(s) for s in shown}
        for pid, text in expected.items():
            if _norm(text) in shown_set:
                self.seen[(field_name, where)].add(pid)
            else:
                self.missing.append(f"{field_name} on {where}: payload {pid} {text!r} "
                                    "is no value there")

    def table(self) -> dict[str, dict[str, int]]:
        """Field → page kind → how many payloads were seen there (over every object shown)."""
        out: dict[str, dict[str, int]] = defaultdict(dict)
        for (field_name, where), seen in sorted(self.seen.items()):
            out[field_name][where] = len(seen)
        return dict(out)


def ids(group) -> dict[int, str]:
    return {p.id: p.text for p in group}


# --- The data --------------------------------------------------------------------------------

@dataclass
class Site:
    admin: object
    annotator: object
    main: object                 # guidelines, labels, attributes and the long document
    text_doc: object             # every payload in its text, annotated, reviewed, returned
    projects: list               # (project, document, its annotators) for every other project
    users: dict                  # payload id → user whose username is that payload
    name_groups: dict            # project pk → payloads in its name
    title_groups: dict           # document pk → payloads in its title
    tagger_fields: dict          # project pk → (names, versions, errors) of its jobs' payloads
    export_fields: dict          # project pk → (annotators' payload ids, errors)
    review_span: object          # the span every reviewer decided on, with a payload note
    attribute_values: dict       # payload id → value text (choices of the attributes)
    attribute_names: dict        # payload id → attribute name
    label_descriptions: dict     # payload id → a description holding it
    zip_members: dict            # payload id → the name of a file in the uploaded zip
    languages: dict              # document pk → the payload in its metadata's language


def _text_of(group: list[Payload]) -> str:
    return "Officials said the deal is dead.\n\n" + "\n\n".join(
        f"Payload {p.id}: {p.text} said the source {p.id}." for p in group)


def _guidelines(group: list[Payload]) -> str:
    lines = ["# Guidelines", "", "Mark **claims**, *sources* and cues.", ""]
    lines += [f"- {p.text}" for p in group]
    lines += ["", "## Headings"] + [f"### {p.text}" for p in group[:20]]
    lines += ["", "A paragraph: " + " ".join(p.text for p in group[20:40])]
    return "\n".join(lines)


def build_site(monkeypatch) -> Site:  # noqa: PLR0915 - one long recipe reads best in order
    from django.contrib.auth import get_user_model

    from annotator.pretag import base as pretag_base
    from annotator.services import exports as export_services
    from annotator.services import pretag_jobs as pretag_services
    from annotator.services.attributions import attribution_create, attribution_update
    from annotator.services.documents import document_create, document_status_change
    from annotator.services.exports import export_job_fail, export_job_start
    from annotator.services.pretag_jobs import pretag_job_fail, pretag_job_start
    from annotator.services.projects import label_create, membership_set, project_create
    from annotator.services.reviews import review_decide
    from annotator.services.spans import span_create, spans_bulk_create
    from annotator.services.suggestions import (SuggestedAttribution, SuggestedSpan,
                                                suggestions_store)

    # Jobs are started through their services but never run: they fail, with a payload.
    monkeypatch.setattr(pretag_services, "_enqueue", lambda job_id: None)
    monkeypatch.setattr(export_services.jobs, "_enqueue", lambda job_id: None)
    monkeypatch.setattr(pretag_base, "_instances", {})
    monkeypatch.setattr(pretag_base, "_REGISTRY", dict(pretag_base._REGISTRY))

    User = get_user_model()
    admin = User.objects.create_user(f"boss {BY_ID[22].text}", password=PASSWORD)
    annotator = User.objects.create_user(f"ann {BY_ID[1].text}", password=PASSWORD)
    # Payload usernames, made without the username validator (see the module docstring).
    # Made as a single-sign-on backend makes them (RemoteUserBackend: get_or_create), so
    # without create_user's NFKC normalisation either: the name is the payload, exactly.
    users = {}
    for p in PAYLOADS:
        user = User(username=p.text)
        user.set_unusable_password()
        users[p.id] = user
    User.objects.bulk_create(users.values())
    users = {p.id: User.objects.get(username=p.text) for p in PAYLOADS}
    legal = [User.objects.create_user(name, password=None) for name in JS_OWN_USERNAMES]

    name_groups_list = pack(PAYLOADS, 200)
    title_groups_list = pack(PAYLOADS, 500)

    # The main project: guidelines, labels, attributes, and the document with every payload.
    attr_groups = [PAYLOADS[i::5] for i in range(5)]
    definitions = [{"name": BY_ID[30 + i].text, "applies_to": "attribution",
                    "choices": [p.text for p in group]} for i, group in enumerate(attr_groups)]
    definitions += [{"name": p.text, "applies_to": "attribution", "choices": ["yes", "no"]}
                    for p in PAYLOADS if not 30 <= p.id < 35]
    definitions += [{"name": "__proto__", "applies_to": "attribution",
                     "choices": ["__proto__", "constructor", "prototype"]},
                    {"name": "constructor", "applies_to": "attribution",
                     "choices": ["toString", "valueOf"]}]
    main = project_create(name=joined(name_groups_list[0]), creator=admin,
                          description=joined(PAYLOADS), guidelines=_guidelines(PAYLOADS),
                          attribute_definitions=definitions)
    membership_set(project=main, user=annotator, role="annotator")
    for user in users.values():
        membership_set(project=main, user=user, role="reviewer")
    description_groups = pack(PAYLOADS, 400)
    label_descriptions = {}
    for i, group in enumerate(description_groups):
        name = JS_OWN_NAMES[i] if i < len(JS_OWN_NAMES) else f"L{i:03d}"
        hotkey = HOSTILE_HOTKEYS[i] if i < len(HOSTILE_HOTKEYS) else ""
        label_create(project=main, actor=admin, data={"name": name, "hotkey": hotkey,
                                                      "description": joined(group)})
        label_descriptions.update({p.id: joined(group) for p in group})
    label_create(project=main, actor=admin, data={"name": "Lone", "description": BY_ID[200].text})

    # The document's language (metadata, e.g. from an import) becomes the text's lang="...".
    quoted = [p for p in PAYLOADS if '"' in p.text]
    languages = {}
    text_doc, _ = document_create(project=main, title=joined(title_groups_list[0]),
                                  text=_text_of(PAYLOADS), metadata={"language": quoted[0].text})
    languages[text_doc.pk] = quoted[0]
    text = text_doc.text

    def at(needle: str, occurrence_of: str | None = None) -> tuple[int, int]:
        start = text.index(needle, text.index(occurrence_of) if occurrence_of else 0)
        return start, start + len(needle)

    spans = spans_bulk_create(document=text_doc, annotator=annotator, items=[
        dict(zip(("start", "end"), at(p.text, f"Payload {p.id}: ")), label="CLAIM")
        for p in PAYLOADS])
    labels = {label.name: label for label in main.labels.all()}
    source = span_create(document=text_doc, annotator=annotator, label=labels["SOURCE"],
                         start=at("the source 1.")[0], end=at("the source 1.")[1] - 1)
    cue = span_create(document=text_doc, annotator=annotator, label=labels["CUE"],
                      start=at("said", "Payload 1: ")[0], end=at("said", "Payload 1: ")[1])
    attribution = attribution_create(document=text_doc, annotator=annotator,
                                     claims=[spans[0].pk], source=source.pk, cue=cue.pk,
                                     attributes={"__proto__": "constructor"})
    # Every choice becomes the value once: the history then lists them all.
    for step in range(max(len(g) for g in attr_groups)):
        values = {d["name"]: d["choices"][step % len(d["choices"])] for d in definitions
                  if len(d["choices"]) > 2}
        attribution = attribution_update(attribution=attribution, actor=annotator,
                                         expected_version=attribution.version, attributes=values)
    # A pre-tagger's suggestions over the payloads (a claim with its prefix, and a source).
    suggested = [SuggestedSpan(f"c{p.id}", "CLAIM", *at(f"Payload {p.id}: {p.text}"))
                 for p in PAYLOADS[:40]]
    suggested += [SuggestedSpan(f"s{p.id}", "SOURCE", *at(p.text, f"Payload {p.id}: "))
                  for p in PAYLOADS[:40]]
    suggestions_store(document=text_doc, tagger_name=BY_ID[5].text, tagger_version="v<1>",
                      spans=suggested,
                      attributions=[SuggestedAttribution(claims=[f"c{p.id}"], source=f"s{p.id}")
                                    for p in PAYLOADS[:40]])
    # Every reviewer decides on one span, with a note; then returns the document with one.
    review_span = spans[100]  # no suggestion over it: a click selects this span alone
    for p in PAYLOADS:
        review_decide(reviewer=users[p.id], target=review_span,
                      decision="approve" if p.id % 2 else "reject", note=p.text)
    for p in PAYLOADS:
        document_status_change(document=text_doc, actor=annotator, annotator=annotator,
                               action="submit")
        document_status_change(document=text_doc, actor=users[p.id], annotator=annotator,
                               action="return", note=p.text)
    document_status_change(document=text_doc, actor=annotator, annotator=annotator,
                           action="submit")

    # Every other project: a payload name, one document (most with a payload title), a few
    # annotators with payload usernames who submitted it, failed pre-tagging and export jobs.
    others = name_groups_list[1:]
    user_groups = [PAYLOADS[i::len(others)] for i in range(len(others))]
    short_names = [p for p in PAYLOADS if len(p.text) <= 100]
    short_versions = [p for p in PAYLOADS if len(p.text) <= 50]
    projects, name_groups, title_groups = [], {main.pk: name_groups_list[0]}, {
        text_doc.pk: title_groups_list[0]}
    tagger_fields, export_fields = {}, {}
    job_counter = 0
    for k, name_group in enumerate(others):
        project = project_create(name=joined(name_group), creator=admin)
        name_groups[project.pk] = name_group
        titles = title_groups_list[k + 1] if k + 1 < len(title_groups_list) else []
        language = quoted[(k + 1) % len(quoted)]
        document, _ = document_create(project=project, title=joined(titles) or f"Document {k}",
                                      text=f"Officials said the deal is dead in project {k}.",
                                      metadata={"language": language.text})
        languages[document.pk] = language
        title_groups[document.pk] = titles
        members = [users[p.id] for p in user_groups[k]] + (legal if k == 0 else [])
        claim = project.labels.get(name="CLAIM")
        start = document.text.index("the deal")
        for user in members:
            membership_set(project=project, user=user, role="annotator")
            span_create(document=document, annotator=user, label=claim, start=start,
                        end=start + len("the deal is dead"))
            document_status_change(document=document, actor=user, annotator=user,
                                   action="submit")
        names, versions, errors = [], [], []
        for j, error_payload in enumerate(user_groups[k]):
            tagger = short_names[job_counter % len(short_names)]
            version = short_versions[job_counter % len(short_versions)]
            job_counter += 1

            class PayloadTagger(pretag_base.Tagger):
                def __init__(self, name=tagger.text, version=version.text):
                    self.name, self.version = name, version

                def tag(self, text):  # never runs: the job fails first
                    raise AssertionError("not run")

            pretag_base.register_tagger(tagger.text, PayloadTagger)
            job = pretag_job_start(project=project, requested_by=admin, tagger_name=tagger.text)
            pretag_job_fail(job_id=job.pk, reason=error_payload.text)
            names.append(tagger)
            versions.append(version)
            errors.append(error_payload)
        tagger_fields[project.pk] = (names, versions, errors)
        export_annotators, export_errors = [], []
        for j, p in enumerate(user_groups[k]):
            job = export_job_start(project=project, requested_by=admin, fmt="jsonl",
                                   layer=f"annotator:{p.text}")
            error = user_groups[k][(j + 1) % len(user_groups[k])]
            export_job_fail(job_id=job.pk, reason=error.text)
            export_annotators.append(p)
            export_errors.append(error)
        export_fields[project.pk] = (export_annotators, export_errors)
        projects.append((project, document, user_groups[k]))

    # The names of the files in the uploaded zip: a folder first, since a zip entry's first
    # part may not hold ":" and no part may be "..": the archive reader refuses those.
    zip_members = {p.id: f"d/{p.text}.jsonl" for p in PAYLOADS
                   if "\\" not in p.text and ".." not in p.text.split("/")}
    return Site(admin=admin, annotator=annotator, main=main, text_doc=text_doc,
                projects=projects, users=users, name_groups=name_groups,
                title_groups=title_groups, tagger_fields=tagger_fields,
                export_fields=export_fields, review_span=review_span,
                attribute_values={p.id: p.text for g in attr_groups for p in g},
                attribute_names=ids(PAYLOADS),
                label_descriptions=label_descriptions, zip_members=zip_members,
                languages=languages)


# --- The test --------------------------------------------------------------------------------

def _utf16(text: str, index: int) -> int:
    return len(text[:index].encode("utf-16-le")) // 2


def _goto(page, url: str, ready: str | None = None):
    page.goto(url)
    if ready:
        page.wait_for_selector(ready, state="attached")


def test_xss_corpus_stays_inert_text_in_every_field_when_every_page_is_used(
        browser, live_server, monkeypatch):
    began = time.monotonic()
    site = build_site(monkeypatch)
    built = time.monotonic() - began
    origin = live_server.url
    watch = Watch(origin)
    cov = Coverage()
    everyone = ids(PAYLOADS)
    users = {p.id: p.text for p in PAYLOADS}
    main_name = ids(site.name_groups[site.main.pk])
    main_title = ids(site.title_groups[site.text_doc.pk])
    all_names = {p.id: p.text for group in site.name_groups.values() for p in group}
    all_titles = {p.id: p.text for group in site.title_groups.values() for p in group}
    label_names = {name: name for name in JS_OWN_NAMES}
    review_seg = (f'#ann-text .ann-seg[data-u16="'
                  f'{_utf16(site.text_doc.text, site.review_span.start)}"]')

    def new_page():
        context = browser.new_context(viewport=VIEWPORT, locale="en-GB",
                                      bypass_csp=os.environ.get("XSS_WITHOUT_CSP") == "1")
        context.set_default_timeout(TIMEOUT_MS * 2)
        watch.attach(context)
        return context, context.new_page()

    def expect_language(page, where: str, document) -> None:
        cov.expect_value("document language", where, [page.get_attribute("#ann-text", "lang")],
                         ids([site.languages[document.pk]]))

    def history_of(page, selector: str, more_than: int):
        page.click(selector)
        page.keyboard.press("h")
        page.wait_for_function("(n) => document.querySelectorAll('#ann-history li').length > n",
                               arg=more_than)

    def as_annotator():
        """The workspace of the document with every payload: every panel, history, help."""
        context, page = new_page()
        login(page, live_server, site.annotator.username)
        cov.expect(page, "user names", "top bar", ".ann-user", {1: site.annotator.username})
        _goto(page, f"{origin}/documents/{site.text_doc.pk}/", "body[data-ready=true]")
        page.wait_for_selector("#ann-attributions select")  # attribute menus: built when in view
        assert page.text_content("#ann-text") == site.text_doc.text
        assert page.locator("#ann-suggestions li").count() == 40
        w = "workspace"
        cov.expect_all(page, [
            ("document text", w, "#ann-text", everyone),
            ("document titles", w, "h1.ann-doc-title", main_title),
            ("document titles", w + " <title>", "title", main_title),
            ("project names", w, ".ann-crumbs", main_name),
            ("project names", w + " <title>", "title", main_name),
            ("project guidelines", w, "#ann-guidelines",
             {p.id: markdown_inline_text(p.text) for p in PAYLOADS}),
            ("label names", w, "#ann-labels", label_names),
            ("attribute values", w, "#ann-attributions", site.attribute_values),
            ("attribute names", w, "#ann-attributions",  # shown with "_" as " "
             {i: t.replace("_", " ") for i, t in site.attribute_names.items()}),
            ("review comments", w, "#ann-feedback", everyone),
            ("user names", w + " feedback", "#ann-feedback", users)])
        expect_language(page, w, site.text_doc)
        cov.expect_value("label descriptions", w, page.evaluate(
            "() => [...document.querySelectorAll('.ann-label-button')].map((b) => b.title)"),
            site.label_descriptions)
        # The span every reviewer decided on: their names and notes.
        show_text_at(page, _utf16(site.text_doc.text, site.review_span.start))
        history_of(page, review_seg, 240)
        cov.expect_all(page, [("review comments", w + " history", "#ann-history", everyone),
                              ("user names", w + " history", "#ann-history", users)])
        # The attribution's history: every value its attributes had.
        history_of(page, "#ann-attributions .ann-attribution-history", 10)
        cov.expect(page, "attribute values", w + " history", "#ann-history", site.attribute_values)
        page.keyboard.press("Escape")
        page.keyboard.press("?")
        cov.expect_all(page, [
            ("label names", w + " help", "#ann-help", label_names),
            ("label hotkeys", w + " help", "#ann-help kbd", {k: k for k in HOSTILE_HOTKEYS})])
        page.keyboard.press("Escape")
        for _ in range(6):
            page.keyboard.press("Tab")
        page.wait_for_timeout(300)
        watch.scan(page)
        context.close()

    def as_admin():
        """Home, the review queue, the main project's pages (with an import), then every
        other project's page, agreement, workspace and review view."""
        context, page = new_page()
        login(page, live_server, site.admin.username)
        cov.expect(page, "user names", "top bar", ".ann-user", {22: site.admin.username})

        _goto(page, f"{origin}/")
        cov.expect_all(page, [
            ("project names", "home", ".ann-project h2", all_names),
            ("document titles", "home", ".ann-project table", all_titles),
            ("project description", "home", ".ann-project > .ann-muted", everyone)])
        watch.scan(page)

        # The queue shows 50 documents a page: its two pages together show them all.
        rows = chips = ""
        for number in (1, 2):
            _goto(page, f"{origin}/review/?page={number}")
            more_rows, more_chips = page.evaluate(
                TEXT_JS, ["table.ann-queue", "table.ann-queue .ann-chip"])
            rows, chips = rows + more_rows, chips + more_chips
            cov.expect_all(page, [
                ("project names", "review queue filter", "#ann-queue-project", all_names),
                ("user names", "review queue filter", "#ann-queue-annotator", users)])
            watch.scan(page)
        cov.expect_in("project names", "review queue", rows, all_names)
        cov.expect_in("document titles", "review queue", rows, all_titles)
        cov.expect_in("user names", "review queue", chips, users)

        # The main project's page, and an import of a zip of badly named, bad files.
        _goto(page, f"{origin}/projects/{site.main.pk}/", "#ann-jobs .ann-job-list li")
        w = "project page"
        cov.expect_all(page, [
            ("project names", w, "h1", main_name),
            ("project names", w + " <title>", "title", main_name),
            ("document titles", w, ".ann-table", main_title),
            ("project description", w, ".ann-main > .ann-muted", everyone),
            ("user names", w + " export menu", "#ann-export-layer", users)])
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            for name in site.zip_members.values():
                archive.writestr(name, "this is not JSON\n")
        upload_name = f"{BY_ID[21].text}.zip"  # no "/": the server would keep what follows it
        page.set_input_files("#ann-import-file", files=[{
            "name": upload_name, "mimeType": "application/zip", "buffer": buffer.getvalue()}])
        page.select_option("#ann-import-format", "jsonl")
        page.click(".ann-import-form button[type=submit]")
        page.wait_for_function(
            "(n) => document.querySelectorAll('.ann-import-errors li').length >= n",
            arg=len(site.zip_members))
        cov.expect_all(page, [
            ("import file names", w + " import errors", ".ann-import-errors", site.zip_members),
            ("import file names", w + " import message", ".ann-transfer-message",
             {21: upload_name})])
        watch.scan(page)

        _goto(page, f"{origin}/projects/{site.main.pk}/agreement/", "body[data-ready=true]")
        cov.expect_all(page, [
            ("project names", "agreement page", ".ann-crumbs", main_name),
            ("project names", "agreement page <title>", "title", main_name),
            ("label names", "agreement page", "#ann-agreement-label", label_names)])
        watch.scan(page)

        # Running the project: its settings (labels, attributes), members and dashboard.
        _goto(page, f"{origin}/projects/{site.main.pk}/settings/", "body[data-ready=true]")
        watch.scan(page)
        _goto(page, f"{origin}/projects/{site.main.pk}/members/", "body[data-ready=true]")
        watch.scan(page)
        _goto(page, f"{origin}/projects/{site.main.pk}/dashboard/", "#ann-dashboard-annotators")
        watch.scan(page)
        # The explorer: its filters (outlets, attributes, layers) and charts.
        _goto(page, f"{origin}/projects/{site.main.pk}/explorer/", "body[data-ready=true]")
        cov.expect(page, "user names", "explorer layers", "select[name=layer]", users)
        watch.scan(page)
        # The source entities page (none in this corpus: its names are tested in
        # test_entity_admin.py): the page itself stays inert.
        _goto(page, f"{origin}/projects/{site.main.pk}/entities/", "body[data-ready=true]")
        watch.scan(page)

        # The review view of the long document: the reviewers' history, side by side, help.
        _goto(page, f"{origin}/documents/{site.text_doc.pk}/review/", "body[data-ready=true]")
        w = "review page"
        cov.expect_all(page, [
            ("document text", w, "#ann-text", everyone),
            ("document titles", w, "h1.ann-doc-title", main_title),
            ("document titles", w + " <title>", "title", main_title),
            ("project names", w, ".ann-crumbs", main_name),
            ("project names", w + " <title>", "title", main_name)])
        expect_language(page, w, site.text_doc)
        history_of(page, review_seg, 240)
        cov.expect_all(page, [("review comments", w + " history", "#ann-history", everyone),
                              ("user names", w + " history", "#ann-history", users)])
        page.keyboard.press("Escape")
        history_of(page, "#ann-items li:has-text('ATTR')", 10)
        cov.expect(page, "attribute values", w + " history", "#ann-history", site.attribute_values)
        page.keyboard.press("Escape")
        page.keyboard.press("v")
        page.wait_for_selector(".ann-column-title")
        page.keyboard.press("?")
        page.wait_for_timeout(200)
        watch.scan(page)

        # Every other project: its page (jobs, exports), agreement, workspace and review view,
        # one tab each, loading side by side.
        tabs = {kind: context.new_page()
                for kind in ("project", "agreement", "workspace", "review")}
        for index, (project, document, annotators) in enumerate(site.projects):
            check_project(tabs, index, project, document, annotators)
        page.wait_for_timeout(300)  # any late onerror/onload would have fired by now
        context.close()

    def check_project(tabs, index, project, document, annotators):
        names = ids(site.name_groups[project.pk])
        titles = ids(site.title_groups[document.pk])
        people = ids(annotators)
        if index == 0:  # the first also has the legal names that JavaScript objects own
            people.update({name: name for name in JS_OWN_USERNAMES})
        tagger_names, tagger_versions, tagger_errors = site.tagger_fields[project.pk]
        export_annotators, export_errors = site.export_fields[project.pk]
        urls = {"project": f"/projects/{project.pk}/",
                "agreement": f"/projects/{project.pk}/agreement/",
                "workspace": f"/documents/{document.pk}/",
                "review": f"/documents/{document.pk}/review/"}
        for kind, tab in tabs.items():
            tab.goto(origin + urls[kind], wait_until="commit")

        tab = tabs["project"]
        tab.wait_for_function("""() => document.querySelector('#ann-transfers .ann-export-list li')
            && document.querySelector('#ann-jobs .ann-job-list li.ann-job')""")
        w = "project page"
        cov.expect_all(tab, [
            ("project names", w, "h1", names),
            ("project names", w + " <title>", "title", names),
            ("document titles", w, ".ann-table", titles),
            ("tagger names", w, "#ann-jobs .ann-job-head strong", ids(tagger_names)),
            ("tagger versions", w, "#ann-jobs .ann-job-head strong", ids(tagger_versions)),
            ("pre-tagging errors", w, "#ann-jobs .ann-job-list", ids(tagger_errors)),
            ("user names", w + " export jobs", "#ann-transfers .ann-export-list",
             ids(export_annotators)),
            ("export errors", w, "#ann-transfers .ann-export-list", ids(export_errors)),
            ("user names", w + " export menu", "#ann-export-layer", people)])
        watch.scan(tab)

        tab = tabs["agreement"]
        tab.wait_for_selector("body[data-ready=true]", state="attached")
        w = "agreement page"
        cov.expect_all(tab, [
            ("project names", w, ".ann-crumbs", names),
            ("project names", w + " <title>", "title", names),
            ("user names", w, "#ann-agreement-tables", people),
            ("document titles", w, "#ann-agreement-tables", titles),
            ("document titles", w + " filter", "#ann-agreement-document", titles)])
        watch.scan(tab)

        tab = tabs["workspace"]
        tab.wait_for_selector("body[data-ready=true]", state="attached")
        w = "workspace"
        cov.expect_all(tab, [
            ("project names", w, ".ann-crumbs", names),
            ("project names", w + " <title>", "title", names),
            ("document titles", w, "h1.ann-doc-title", titles),
            ("document titles", w + " <title>", "title", titles)])
        expect_language(tab, w, document)
        watch.scan(tab)

        tab = tabs["review"]
        tab.wait_for_selector("body[data-ready=true]", state="attached")
        tab.keyboard.press("v")
        tab.wait_for_selector(".ann-column-title", state="attached")
        w = "review page"
        cov.expect_all(tab, [
            ("project names", w, ".ann-crumbs", names),
            ("project names", w + " <title>", "title", names),
            ("document titles", w, "h1.ann-doc-title", titles),
            ("document titles", w + " <title>", "title", titles),
            ("user names", w + " annotators", "#ann-annotators", people),
            ("user names", w + " return menu", "#ann-return-annotator", people),
            ("user names", w + " label", "#ann-item .ann-who", people),
            ("user names", w + " side by side", ".ann-column-title", people)])
        expect_language(tab, w, document)
        watch.scan(tab)

    try:
        as_annotator()
        as_admin()
    except Exception as error:
        # A payload that ran can break a page (navigate it away, say) before a check sees it.
        if any(watch.ran().values()):
            pytest.fail(f"payloads ran, and the pages broke ({type(error).__name__}: "
                        f"{str(error)[:200]}): {watch.summary()}")
        raise
    elapsed = time.monotonic() - began

    table = cov.table()
    print(f"\nXSS corpus: {len(PAYLOADS)} payloads; data {built:.1f} s, all {elapsed:.1f} s")
    for field_name, pages in table.items():
        print(f"  {field_name}: " + ", ".join(f"{where} {n}" for where, n in pages.items()))

    # Nothing ran, nothing asked, nothing went out, nothing was blocked for trying.
    assert watch.ran() == {"calls": [], "dialogs": [], "requests": [], "csp": []}, watch.summary()
    assert watch.dom == [], watch.dom[:20]
    assert watch.js_errors == [], watch.js_errors[:5]
    # Every payload shown, as text, where its field is.
    assert cov.missing == [], f"{len(cov.missing)} missing: " + "\n".join(cov.missing[:30])
    # At least MINIMUM payloads in every field on every page that shows it, but for the
    # restricted fields and the places that show one value (the module docstring says why).
    restricted = ("label names", "label hotkeys", "document language")  # one per document
    single = ("top bar", "project page import message")
    thin = {f"{f} on {w}": n for f, pages in table.items() for w, n in pages.items()
            if n < MINIMUM and f not in restricted and w not in single}
    assert not thin, thin
