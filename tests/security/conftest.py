"""Browser checks of the security headers: the browser fixtures of tests/e2e, shared."""
from tests.e2e.conftest import browser, context, page, world  # noqa: F401
