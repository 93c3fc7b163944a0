"""The shape of the code (issue #13, STYLE.md): short modules, imports at the top.

A source check, like a linter rule. No Python module of the app or its settings over 400
lines (migrations are generated), no JS module over 300; an import inside a function (or a
class) says why in a comment: on the line just before it (or before the run of imports it
belongs to), or at the end of the import itself: a cycle (naming the module that imports this one) or a library too heavy for
the processes that do not need it. `if TYPE_CHECKING:` imports are exempt.
"""
import ast
import io
import tokenize
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PYTHON_MAX, JS_MAX = 400, 300
FUNCTION_OR_CLASS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)


def python_modules():
    for folder in ("annotator", "config"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path


def js_modules():
    return sorted((ROOT / "static").rglob("*.js"))


def too_long(paths, limit: int, root: Path = ROOT) -> list[str]:
    counts = ((path, len(path.read_text(encoding="utf-8").splitlines())) for path in paths)
    return [f"{path.relative_to(root).as_posix()}: {n} lines (at most {limit})"
            for path, n in counts if n > limit]


def _comment_lines(source: str) -> tuple[set[int], set[int]]:
    """(lines holding a comment, lines that are only a comment), 1-based."""
    anywhere, alone = set(), set()
    lines = source.splitlines()
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type == tokenize.COMMENT:
            row, col = token.start
            anywhere.add(row)
            if not lines[row - 1][:col].strip():
                alone.add(row)
    return anywhere, alone


def _is_type_checking(node) -> bool:
    return isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)


def _bodies(node):
    """The statement lists of a node: its body, else, finally, and its handlers' and cases'."""
    for _, value in ast.iter_fields(node):
        if isinstance(value, list) and value and isinstance(value[0], ast.stmt):
            yield value
        elif isinstance(value, list):
            for item in value:
                if isinstance(item, (ast.excepthandler, ast.match_case)):
                    yield from _bodies(item)


def _inner_imports(node, inside: bool = False):
    """(import, first import of its group) for every import inside a function or class.

    A group is a run of import statements one after the other in the same body."""
    for body in _bodies(node):
        first = None
        for child in body:
            if isinstance(child, (ast.Import, ast.ImportFrom)):
                first = first or child
                if inside:
                    yield child, first
                continue
            first = None
            if not _is_type_checking(child):
                yield from _inner_imports(child, inside or isinstance(child, FUNCTION_OR_CLASS))


def unexplained_imports(source: str, name: str = "<source>") -> list[str]:
    anywhere, alone = _comment_lines(source)
    offences = []
    for node, first in _inner_imports(ast.parse(source)):
        own = any(row in anywhere for row in range(node.lineno, node.end_lineno + 1))
        if not own and first.lineno - 1 not in alone:
            offences.append(f"{name}:{node.lineno}: {ast.unparse(node)}")
    return offences


def test_no_python_module_is_over_400_lines_when_outside_migrations():
    assert too_long(python_modules(), PYTHON_MAX) == []


def test_no_js_module_is_over_300_lines():
    assert too_long(js_modules(), JS_MAX) == []


def test_every_import_inside_a_function_says_why_when_not_at_the_top():
    offences = [line for path in python_modules()
                for line in unexplained_imports(path.read_text(encoding="utf-8"),
                                                path.relative_to(ROOT).as_posix())]
    assert offences == []


def test_the_import_check_finds_an_import_without_a_reason_when_there_is_one():
    source = ("import os\n"
              "\n"
              "def f():\n"
              "    x = 1  # a comment about x, not the import\n"
              "    import json\n"
              "    return json\n"
              "\n"
              "class C:\n"
              "    def m(self):\n"
              "        if self:\n"
              "            from pathlib import Path\n"
              "        return Path\n")
    assert unexplained_imports(source) == ["<source>:5: import json",
                                           "<source>:11: from pathlib import Path"]


def test_the_import_check_accepts_a_reason_when_before_the_group_or_on_the_line():
    source = ("from typing import TYPE_CHECKING\n"
              "try:\n"
              "    import json\n"
              "except ImportError:\n"
              "    json = None\n"
              "if TYPE_CHECKING:\n"
              "    from pathlib import Path\n"
              "\n"
              "def f():\n"
              "    # Training only: heavy.\n"
              "    import numpy\n"
              "    import scipy\n"
              "    from a import (b,\n"
              "                   c)  # a cycle: a imports this module\n"
              "    import d  # a cycle\n"
              "    if TYPE_CHECKING:\n"
              "        import e\n"
              "    return numpy, scipy, b, c, d\n")
    assert unexplained_imports(source) == []


def test_the_import_check_wants_the_reason_right_before_when_a_line_is_between():
    source = ("def f():\n"
              "    # a reason for something else\n"
              "    x = 1\n"
              "    import json\n"
              "    return json, x\n")
    assert unexplained_imports(source) == ["<source>:4: import json"]


def test_the_length_check_names_a_module_when_it_is_over_the_limit(tmp_path):
    (tmp_path / "long.js").write_text("x;\n" * (JS_MAX + 1), encoding="utf-8")
    (tmp_path / "short.js").write_text("x;\n" * JS_MAX, encoding="utf-8")
    assert too_long(sorted(tmp_path.glob("*.js")), JS_MAX, tmp_path) == [
        f"long.js: {JS_MAX + 1} lines (at most {JS_MAX})"]
