"""A lone surrogate in any string of any request body is a 400 naming its field, stores
nothing, and leaves every read of the project answering 200 (issue #12, point 5).

The string fields come from the OpenAPI schema that drf-spectacular generates in-process
(as in test_permission_matrix.py), so an endpoint added later is covered without a line
here: every string of every request body, at any depth (`spans[0].label`), and for
free-form objects (settings, metadata, attributes) a value under a key and the key
itself. Hypothesis draws the surrogate and the text around it. Each body starts from
the permission matrix's valid body for the operation, sent by a caller allowed to send
it (an empty body where there is none), so that without the surrogate the request would
be stored.

JSON bodies carry the surrogate as JSON's "\\udc80" escape. A multipart form cannot hold
one in UTF-8: its text fields get the bytes a sloppy encoder writes for one (ED B2 80,
not UTF-8), and a file gets it in its content, a JSON line with the escape (Django drops
it from file names itself). For a file the 400 names `file` and the import's report says
which line and field.
"""
from __future__ import annotations

import json
from dataclasses import dataclass

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from annotator.services.exports import export_job_run, export_job_start
from tests.api.test_permission_matrix import (NOT_UNDER_TEST, OK, POLICY, changed_tables,
                                              claims_grouped, default_params, entities_made,
                                              matrix,
                                              model_trained, send, snapshot)

__all__ = ["matrix"]  # the fixture, used by the tests below
pytestmark = pytest.mark.django_db

EXAMPLES = 2  # draws per operation; each draw injects into every field of the body
MULTIPART = "multipart/form-data"


# --- The string fields of the schema's request bodies ------------------------------------------

@dataclass(frozen=True)
class Field:
    steps: tuple       # keys and list indices from the body's top to the string
    is_key: bool       # a key of the free-form object at `steps`, not a value
    binary: bool = False  # a multipart file (its name is the string)

    @property
    def path(self) -> str:
        """As the 400 names it: `metadata.author`, `spans[0].label`."""
        out = ""
        for step in self.steps:
            out += f"[{step}]" if isinstance(step, int) else (f".{step}" if out else step)
        return out


def _resolve(node: dict, components: dict) -> dict:
    while "$ref" in node:
        node = components[node["$ref"].rsplit("/", 1)[-1]]
    for combined in ("allOf", "oneOf", "anyOf"):
        if combined in node:
            parts = [_resolve(part, components) for part in node[combined]]
            parts = [part for part in parts if part.get("enum") != [None]] or parts
            return {**{k: v for k, v in node.items() if k != combined}, **parts[0]}
    return node


def string_fields(node: dict, components: dict, steps: tuple = ()) -> list[Field]:
    node = _resolve(node, components)
    if node.get("readOnly"):
        return []
    kind = node.get("type")
    if kind == "string" or (kind is None and "enum" in node):
        return [Field(steps, is_key=False, binary=node.get("format") == "binary")]
    if kind == "array":
        return string_fields(node.get("items", {}), components, steps + (0,))
    fields = []
    for name, child in node.get("properties", {}).items():
        fields += string_fields(child, components, steps + (name,))
    if kind == "object" and "additionalProperties" in node and node["additionalProperties"] \
            is not False:
        fields += [Field(steps + ("injected",), is_key=False), Field(steps, is_key=True)]
    return fields


@dataclass(frozen=True)
class Operation:
    method: str
    path: str
    content_type: str
    fields: tuple

    def __str__(self) -> str:
        return f"{self.method} {self.path}"


def operations_with_a_body() -> list[Operation]:
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    components = schema["components"]["schemas"]
    found = []
    for path, methods in schema["paths"].items():
        if not path.startswith("/api/") or path.startswith(NOT_UNDER_TEST):
            continue
        for method, operation in methods.items():
            content = operation.get("requestBody", {}).get("content", {})
            for content_type in ("application/json", MULTIPART):
                if content_type in content:
                    fields = string_fields(content[content_type]["schema"], components)
                    if not fields and content_type == "application/json":
                        # Numbers and booleans only: a surrogate can still come as a key.
                        fields = [Field((), is_key=True)]
                    found.append(Operation(method.upper(), path, content_type, tuple(fields)))
                    break
    return sorted(found, key=str)


OPERATIONS = operations_with_a_body()


def test_the_schema_gives_string_fields_of_every_kind():
    """The walk finds nested strings, free-form objects and files: it cannot pass empty."""
    paths = {(str(op), field.path, field.is_key) for op in OPERATIONS for field in op.fields}
    assert len(OPERATIONS) >= 20
    for expected in [("PATCH /api/projects/{project_id}/", "settings", True),
                     ("PATCH /api/projects/{project_id}/", "settings.injected", False),
                     ("PATCH /api/projects/{project_id}/", "attribute_definitions[0].choices[0]",
                      False),
                     ("POST /api/projects/{project_id}/documents/", "metadata.injected", False),
                     ("POST /api/documents/{document_id}/spans/bulk/", "spans[0].label", False),
                     ("POST /api/documents/{document_id}/suggestions/",
                      "attributions[0].claims[0]", False),
                     ("POST /api/projects/{project_id}/imports/", "file", False)]:
        assert expected in paths, expected


# --- Sending a body with a surrogate in one field ------------------------------------------------

CALLERS = ("admin", "annotator", "reviewer")  # who sends the body: the first the row lets


def valid_body(operation: Operation, m) -> tuple[dict, object, object]:
    """The permission matrix's body for this operation (as data, or multipart fields), sent
    by a caller its row lets send it, the row's preparation done: (body, row, user). An
    operation without such a row gets an empty body, sent by the admin."""
    for actor in CALLERS:
        for row in POLICY:
            if (row.method, row.path) == (operation.method, operation.path) and \
                    (row.body or row.multipart) and row.expect[actor] == OK:
                user = m.user(actor)
                if row.prepare:
                    row.prepare(m, user)
                body = row.multipart(m, user) if row.multipart else row.body(m, user)
                return body, row, user
    return {}, None, m.w.admin


def inject(body: dict, field: Field, bad: str):
    """The body with `bad` at the field (made, with its parents, if missing)."""
    body = json.loads(json.dumps(body))  # a deep copy of the JSON data
    holder, steps = body, list(field.steps)
    if field.is_key:
        steps.append(None)
    for step, after in zip(steps, steps[1:]):
        empty = [] if isinstance(after, int) else {}
        if isinstance(step, int):
            while len(holder) <= step:
                holder.append(empty)
            if not isinstance(holder[step], (dict, list)):
                holder[step] = empty
        elif not isinstance(holder.get(step), (dict, list)):
            holder[step] = empty
        holder = holder[step]
    last = steps[-1]
    if field.is_key:
        holder[bad] = "value"
    elif isinstance(last, int):
        while len(holder) <= last:
            holder.append(None)
        holder[last] = bad
    else:
        holder[last] = bad
    return body


def multipart_body(fields: dict, field: Field, bad: str) -> tuple[bytes, str]:
    """A multipart body by hand: the test client would refuse to encode a surrogate."""
    boundary = "----surrogate-boundary"
    parts = []
    if not field.binary:
        fields = {**fields, field.path: fields.get(field.path, "")}
    for name, value in fields.items():
        if hasattr(value, "read"):  # the file
            value.seek(0)
            content = value.read()
            if field.binary and field.path == name:
                content = (json.dumps({"title": "Imported", "text": f"Officials said {bad}."})
                           + "\n").encode()
            parts.append(f"--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"; "
                         f"filename=\"{value.name}\"\r\n"
                         "Content-Type: application/octet-stream\r\n\r\n".encode()
                         + content + b"\r\n")
        else:
            data = str(value).encode()
            if field.path == name:  # what a lone surrogate becomes in sloppy UTF-8
                data = bad.encode("utf-8", "surrogatepass")
            parts.append(f"--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n"
                         "\r\n".encode() + data + b"\r\n")
    return b"".join(parts) + f"--{boundary}--\r\n".encode(), \
        f"{MULTIPART}; boundary={boundary}"


def send_with(client, operation: Operation, m, row, body, field: Field, bad: str):
    params = {**default_params(m), **(row.params(m) if row and row.params else {})}
    url = operation.path.format(**params)
    headers = row.headers(m) if row and row.headers else {}
    if operation.content_type == MULTIPART:
        data, content_type = multipart_body(body, field, bad)
    else:
        data, content_type = json.dumps(inject(body, field, bad)), "application/json"
    return client.generic(operation.method, url, data, content_type=content_type, **headers)


def named(field: Field, bad: str) -> str:
    """The field path the 400 must name (a bad key is named with its surrogate escaped)."""
    if field.is_key:
        escaped = bad.encode("utf-8", "backslashreplace").decode()
        return f"{field.path}.{escaped}" if field.path else escaped
    return field.path


# --- The property -----------------------------------------------------------------------------------

SURROUNDING = st.text(st.characters(blacklist_categories=("Cs",)), max_size=4)
LONE = st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF)
READS = [row for row in POLICY if row.method == "GET" and row.expect["admin"] == OK]


@pytest.fixture
def finished_export(matrix):
    """An export of the project, done: its job and download are read endpoints too."""
    matrix.export_job = export_job_run(job_id=export_job_start(
        project=matrix.w.project, requested_by=matrix.w.admin, fmt="jsonl").pk)
    model_trained(matrix, matrix.w.admin)  # a tagger model and a training job to read
    entities_made(matrix, matrix.w.admin)  # source entities to read
    claims_grouped(matrix, matrix.w.admin)  # a claim group to read
    return matrix


@pytest.mark.parametrize("operation", OPERATIONS, ids=str)
def test_a_lone_surrogate_in_any_string_is_a_400_naming_it_and_every_read_still_answers(
        operation, finished_export, api):
    m = finished_export
    body, row, user = valid_body(operation, m)
    client = api(user)
    assert operation.fields, f"{operation} has a request body without any string field"

    @hypothesis_settings(max_examples=EXAMPLES, derandomize=True, database=None, deadline=None,
                         suppress_health_check=list(HealthCheck))
    @given(data=st.data())
    def check(data):
        for field in operation.fields:
            bad = data.draw(SURROUNDING) + data.draw(LONE) + data.draw(SURROUNDING)

            response = send_with(client, operation, m, row, body, field, bad)

            where = f"{operation} with {bad!r} in {field.path or 'a key'}"
            assert response.status_code == 400, (where, response.status_code,
                                                  response.content[:300])
            errors = response.json()
            assert named(field, bad) in errors, (where, errors)
            # An import's report lists the file's problems beside the "file" field.
            reason = json.dumps([errors[named(field, bad)], errors.get("errors")]).lower()
            assert "surrogate" in reason or "utf-8" in reason, (where, reason)

    before = snapshot()
    check()
    # Checked once for all the requests above (a snapshot costs as much as ten of them).
    assert not changed_tables(before, snapshot())
    reader = api(m.w.admin)  # who may read every layer
    for read in READS:
        answer = send(reader, read, m, m.w.admin)
        assert answer.status_code == 200, (read.name, answer.status_code, answer.content[:300])
