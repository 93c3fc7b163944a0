import pytest
from django.urls import reverse

from annotator.models import DocumentStatus

pytestmark = pytest.mark.django_db


def test_home_redirects_to_login_when_anonymous(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_login_page_signs_in_and_lands_on_home(client, annotator_user, project):
    page = client.get(reverse("login"))
    assert page.status_code == 200 and b"Sign in" in page.content
    response = client.post(reverse("login"), {"username": "ann",
                                              "password": "a-Long-test-passw0rd"})
    assert response.status_code == 302 and response["Location"] == reverse("home")


def test_login_page_says_so_when_password_is_wrong(client, annotator_user):
    response = client.post(reverse("login"), {"username": "ann", "password": "nope"})
    assert response.status_code == 200
    assert b"did not match" in response.content


def test_home_lists_my_projects_documents_and_my_status(client, annotator_user, project,
                                                        make_document, make_project, make_user):
    first = make_document(project, text="One text.", title="First article")
    second = make_document(project, text="Two text.", title="Second article")
    DocumentStatus.objects.create(document=second, annotator=annotator_user,
                                  status=DocumentStatus.Status.SUBMITTED)
    # Someone else's status on my document is not mine.
    DocumentStatus.objects.create(document=first, annotator=make_user(),
                                  status=DocumentStatus.Status.APPROVED)
    hidden = make_project(name="Not my project")
    make_document(hidden, text="Secret.", title="Secret article")

    client.force_login(annotator_user)
    html = client.get(reverse("home")).content.decode()

    assert project.name in html and "Not my project" not in html
    assert "Secret article" not in html
    first_row = html.split(f'data-document-id="{first.id}"')[1].split("</tr>")[0]
    second_row = html.split(f'data-document-id="{second.id}"')[1].split("</tr>")[0]
    assert "First article" in first_row and "Not started" in first_row
    assert "Second article" in second_row and "Submitted" in second_row
    assert "Annotator" in html


def test_home_escapes_titles_when_they_hold_markup(client, annotator_user, project,
                                                   make_document):
    make_document(project, text="x", title='<script>alert("t")</script>')
    client.force_login(annotator_user)
    html = client.get(reverse("home")).content.decode()
    assert '<script>alert("t")</script>' not in html
    assert "&lt;script&gt;" in html


def test_home_runs_a_fixed_number_of_queries_whatever_the_number_of_documents(
        client, annotator_user, project, make_document, make_project,
        django_assert_num_queries):
    client.force_login(annotator_user)
    make_document(project, text="only one")
    # Six: one of them asks whether the user reviews anything (the top bar's Review link).
    with django_assert_num_queries(6) as few:
        client.get(reverse("home"))
    for i in range(30):
        make_document(project, text=f"text number {i}")
    other = make_project(annotator=annotator_user)
    make_document(other, text="in another project")
    with django_assert_num_queries(len(few.captured_queries)):
        client.get(reverse("home"))


def test_health_answers_ok(client):
    assert client.get("/healthz").json() == {"status": "ok"}
