"""A throwaway folder and the environment of a benchmark that runs the app in its own
process: call `throwaway_env` before Django is set up (before `import seed`)."""
from __future__ import annotations

import atexit
import os
import secrets
import shutil
import tempfile
from pathlib import Path


def throwaway_env(name: str, *, sqlite_only: bool = False, **extra: str) -> Path:
    """A folder removed at exit, production-like settings (DEBUG off) writing there, and a
    SQLite database in it unless DATABASE_URL names PostgreSQL (and not `sqlite_only`)."""
    folder = Path(tempfile.mkdtemp(prefix=f"annotator-{name}-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    os.environ.update({"DEBUG": "false", "SECRET_KEY": secrets.token_urlsafe(50),
                       "ALLOWED_HOSTS": "testserver", "SECURE_COOKIES": "false",
                       "DATA_DIR": str(folder), "STATIC_ROOT": str(folder),
                       "LOG_LEVEL": "WARNING", **extra})
    if sqlite_only or not os.environ.get("DATABASE_URL", "").startswith(
            ("postgres://", "postgresql://")):
        os.environ["DATABASE_URL"] = f"sqlite:///{folder / f'{name}.sqlite3'}"
    return folder
