"""The README's commands work in the state a newcomer is in after `make run`.

`make run` installs only the runtime requirements; pytest comes with the test
requirements. A README command that runs the test tools must install them
first (a make target that depends on .venv/.test), or it fails right after
`make run` with "No such file or directory: .venv/bin/pytest".
"""
import os
import re
import shutil
import subprocess
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def readme_commands() -> list[str]:
    blocks = re.findall(r"```sh\n(.*?)```", (ROOT / "README.md").read_text(), flags=re.S)
    lines = [line.split("#", 1)[0].strip() for block in blocks for line in block.splitlines()]
    return [line for line in lines if line]


def after_make_run(tmp_path: Path) -> Path:
    """A copy of the Makefile and requirements, with a venv as `make run` leaves it."""
    for name in ("Makefile", "requirements.txt", "requirements-test.txt"):
        shutil.copy(ROOT / name, tmp_path / name)
    bin_dir = tmp_path / ".venv" / "bin"
    bin_dir.mkdir(parents=True)
    (bin_dir / "python").write_text("#!/bin/sh\n")
    (bin_dir / "python").chmod(0o755)
    later = time.time() + 60
    os.utime(bin_dir / "python", (later, later))
    (tmp_path / ".venv" / ".runtime").touch()
    os.utime(tmp_path / ".venv" / ".runtime", (later, later))
    return tmp_path


def test_readme_runs_no_test_tool_directly_when_make_run_did_not_install_it():
    direct = [c for c in readme_commands() if re.match(r"\.venv/bin/(pytest|python -m pytest)", c)]
    assert direct == [], f"README runs the test tools without installing them: {direct}"


def test_readme_one_test_command_installs_the_test_tools_first_when_run_after_make_run(tmp_path):
    sandbox = after_make_run(tmp_path)
    runs_tests = [c for c in readme_commands()
                  if c.startswith("make ") and c.split()[1] not in ("run", "clean")]
    assert any("T=" in c for c in runs_tests), "README shows no command to run one test"
    for command in runs_tests:
        dry = subprocess.run(["make", "-n", *command.split()[1:]], cwd=sandbox,
                             capture_output=True, text=True, timeout=60)
        assert dry.returncode == 0, f"{command}: {dry.stderr}"
        install = dry.stdout.find("-r requirements-test.txt")
        pytest_at = dry.stdout.find("-m pytest")
        assert install != -1, f"{command} does not install the test requirements:\n{dry.stdout}"
        assert pytest_at == -1 or install < pytest_at, dry.stdout
