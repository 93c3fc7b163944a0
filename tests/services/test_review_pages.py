"""The review workflow's pages: the queue, the review view, agreement, and the links to them."""
import pytest

from annotator.services.documents import document_status_change
from annotator.services.projects import membership_set

pytestmark = pytest.mark.django_db


@pytest.fixture
def submitted(make_user, project, document, annotator_user):
    reviewer = make_user("rev")
    membership_set(project=project, user=reviewer, role="reviewer")
    document_status_change(document=document, actor=annotator_user, annotator=annotator_user,
                           action="submit")
    return reviewer


def test_reviewer_sees_the_queue_link_and_the_waiting_document(client, submitted, document):
    client.force_login(submitted)
    home = client.get("/").content.decode()
    assert 'href="/review/">Review</a>' in home
    queue = client.get("/review/").content.decode()
    assert f'href="/documents/{document.pk}/review/"' in queue and "ann" in queue
    assert "Nothing waits" in client.get("/review/?older_than_days=30").content.decode()
    assert client.get("/review/?project=abc&annotator=-1&older_than_days=x").status_code == 200


def test_project_page_counts_documents_waiting_for_reviewers_only(
        client, submitted, project, annotator_user):
    client.force_login(submitted)
    page = client.get(f"/projects/{project.pk}/").content.decode()
    assert "<strong>1</strong> submitted for review" in page
    assert f'href="/projects/{project.pk}/agreement/"' in page
    client.force_login(annotator_user)
    page = client.get(f"/projects/{project.pk}/").content.decode()
    assert "submitted for review" not in page
    assert 'href="/review/"' not in page


def test_review_and_agreement_pages_are_for_reviewers(client, submitted, project, document,
                                                     annotator_user):
    client.force_login(submitted)
    assert client.get(f"/documents/{document.pk}/review/").status_code == 200
    assert client.get(f"/projects/{project.pk}/agreement/").status_code == 200
    client.force_login(annotator_user)
    assert client.get(f"/documents/{document.pk}/review/").status_code == 403
    assert client.get(f"/projects/{project.pk}/agreement/").status_code == 403
    assert "You review no project" in client.get("/review/").content.decode()


def test_review_page_of_another_projects_document_is_missing(client, submitted, make_project,
                                                            make_document, make_user):
    other = make_document(make_project(admin=make_user()), text="Elsewhere, nothing.")
    client.force_login(submitted)
    assert client.get(f"/documents/{other.pk}/review/").status_code == 404
