"""Production mode refuses unsafe settings with a one-line reason."""
import os
import subprocess
import sys
from pathlib import Path

import pytest

from config.env import DEV_SECRET_KEY, ImproperlyConfiguredEnv, env_bool, production_problems

ROOT = Path(__file__).resolve().parents[2]
STRONG = "k3Y-" + "x9Qz_" * 12


def run_check(**env):
    base = {k: v for k, v in os.environ.items()
            if k not in {"SECRET_KEY", "DEBUG", "ALLOWED_HOSTS", "DJANGO_SETTINGS_MODULE"}}
    base["DATA_DIR"] = str(ROOT / "data" / "guard-test")
    base.update(env)
    return subprocess.run([sys.executable, "manage.py", "check"], cwd=ROOT, env=base,
                          capture_output=True, text=True, timeout=60)


@pytest.mark.parametrize("env,reason", [
    ({}, "SECRET_KEY is not set"),
    ({"SECRET_KEY": DEV_SECRET_KEY}, "quick-start key"),
    ({"SECRET_KEY": "short"}, "SECRET_KEY is weak"),
    ({"SECRET_KEY": STRONG, "ALLOWED_HOSTS": "*"}, "ALLOWED_HOSTS contains '*'"),
    ({"SECRET_KEY": STRONG, "DEBUG": "maybe"}, "DEBUG='maybe' is not a boolean"),
])
def test_startup_refused_with_one_line_reason_when_debug_off_and_unsafe(env, reason):
    result = run_check(**env)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert reason in lines[0]


def test_startup_allowed_when_debug_off_and_settings_safe():
    result = run_check(SECRET_KEY=STRONG, ALLOWED_HOSTS="annotator.example.org")
    assert result.returncode == 0, result.stderr


def test_quick_start_key_allowed_when_debug_on():
    assert production_problems(debug=True, secret_key=DEV_SECRET_KEY, allowed_hosts=["*"]) == []


def test_empty_allowed_hosts_is_a_problem_when_debug_off():
    assert production_problems(debug=False, secret_key=STRONG, allowed_hosts=[]) == [
        "ALLOWED_HOSTS is empty: list the host names you serve."]


@pytest.mark.parametrize("raw,value", [("true", True), ("1", True), ("off", False), ("", False)])
def test_env_bool_reads_common_spellings(raw, value):
    assert env_bool("X", not value, {"X": raw}) is value


def test_env_bool_refuses_nonsense():
    with pytest.raises(ImproperlyConfiguredEnv):
        env_bool("X", False, {"X": "perhaps"})
