"""Browser checks of the security headers. The world of tests/e2e, shared; the browser
runs in a process of its own (tests/e2e's session-wide Playwright would clash with a
second one in this process)."""
from tests.e2e.conftest import world  # noqa: F401
