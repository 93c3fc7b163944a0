"""Fixtures of the export job tests (tests/tasks, tests/services): import them by name."""
import pytest

from annotator.services.documents import document_create


@pytest.fixture(autouse=True)
def export_dir(settings, tmp_path):
    """Ids repeat between tests (rolled back): each test gets its own folder."""
    settings.EXPORT_DIR = tmp_path / "exports"


@pytest.fixture
def project(make_project, make_user):
    """A project of 7 short documents; its admin is `project.admin`."""
    admin = make_user("exporter")
    project = make_project(admin=admin)
    for i in range(7):
        document_create(project=project, title=f"D{i}", text=f"Officials said talks {i} ended.")
    project.admin = admin
    return project
