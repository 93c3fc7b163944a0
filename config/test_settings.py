"""Settings for the test suite: the real settings, with a throwaway secret.

DATABASE_URL and CELERY_BROKER_URL come from the environment as usual: the
Makefile runs the suite once on SQLite and once on PostgreSQL + Redis.
"""
import os
import secrets

os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
# The test servers speak plain http: no Secure cookies, no redirect to https (inherited by
# the server and worker processes the tests start). tests/unit/test_production_settings.py
# checks the production values in processes of their own.
os.environ.setdefault("SECURE_COOKIES", "false")

from .settings import *  # noqa: E402,F401,F403

# Exports and models of the tests go to throwaway folders, one per test process: job ids
# start at 1 in every test database, so two pytest-xdist workers sharing a folder would
# write the same file names, and one's clean-up would delete the other's files as orphans.
# Worker processes a test starts inherit the folders (and the owner) through the environment;
# a folder named in the environment by hand is kept.
import tempfile  # noqa: E402

_OWNER = os.environ.get("PYTEST_XDIST_WORKER", "main")
if os.environ.get("ANNOTATOR_TEST_DIRS_OWNER", _OWNER) != _OWNER or "EXPORT_DIR" not in os.environ:
    # unset, or inherited from pytest-xdist's controller process: this process's own
    os.environ["ANNOTATOR_TEST_DIRS_OWNER"] = _OWNER
    for _name, _kind in (("EXPORT_DIR", "exports"), ("MODEL_DIR", "models")):
        os.environ[_name] = str(Path(tempfile.gettempdir())  # noqa: F405
                                / f"annotator-test-{_kind}-{os.getpid()}-{_OWNER}")
os.environ.setdefault("MODEL_DIR", str(Path(tempfile.gettempdir())  # noqa: F405
                                       / f"annotator-test-models-{os.getpid()}-{_OWNER}"))
EXPORT_DIR = Path(os.environ["EXPORT_DIR"])  # noqa: F405
MODEL_DIR = Path(os.environ["MODEL_DIR"])  # noqa: F405

# Fast hashing: tests create many users; production keeps Django's default.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Serve static files from the source folders without collectstatic; the
# deployment tests run collectstatic and the hashed-name storage themselves.
STORAGES = {**STORAGES, "staticfiles": {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

# SQLite: a file, not memory, so that a real Celery worker process started by
# the tests (tests/conftest.py) sees the rows the test writes.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # One file per test process, so that runs side by side do not share it.
    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": str(DATA_DIR / f"test-db-{os.getpid()}.sqlite3")}  # noqa: F405
