"""Running a project in Chromium, as an admin does it: create a project with its own labels,
change its settings with a label in use (the count, then a merge), add members three ways,
change a role, and be refused leaving the project without an admin."""
from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from annotator.models import Label, Membership, Project, Span
from annotator.services.documents import document_create
from annotator.services.spans import span_create
from tests.e2e.conftest import PASSWORD, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TEXT = "The minister said the deal is dead. Officials said talks collapsed."


def ready(page):
    page.wait_for_selector("body[data-ready=true]")


def staff(user):
    get_user_model().objects.filter(pk=user.pk).update(is_staff=True)


def test_admin_creates_a_project_with_its_own_labels_on_the_new_project_page(
        page, live_server, world, shot):
    staff(world.admin)
    login(page, live_server, "boss")
    page.click("#ann-new-project")
    ready(page)
    assert page.locator(".ann-label-row").count() == 3   # CLAIM, SOURCE, CUE prefilled
    page.fill("#ann-name", "Wire copy")
    page.fill("#ann-description", "Agency wires, March.")
    page.fill("#ann-guidelines", "# Our rules\n\n- Mark **every** claim\n- <b>not bold</b>")
    preview = page.locator("#ann-guidelines-preview")
    assert preview.locator("h3").inner_text() == "Our rules"  # headings sit under the page's
    assert preview.locator("strong").inner_text() == "every"
    assert preview.locator("b").count() == 0 and "<b>not bold</b>" in preview.inner_text()

    rows = page.locator(".ann-label-row")
    rows.nth(0).locator("input[name=label-name]").fill("STATEMENT")     # CLAIM renamed
    rows.nth(2).locator("button[aria-label^=Remove]").click()          # CUE removed
    page.click("#ann-label-add")
    new = page.locator(".ann-label-row").nth(2)
    new.locator("input[name=label-name]").fill("EVIDENCE")
    new.locator("input[name=label-hotkey]").fill("e")
    new.locator("input[name=label-description]").fill("A document cited.")
    new.locator("select[name=label-role]").select_option("cue")
    new.locator("button[aria-label^='Move EVIDENCE up']").click()       # before SOURCE
    page.click("#ann-attribute-add")
    attribute = page.locator(".ann-attribute-row").last
    attribute.locator("input[name=attribute-name]").fill("tone")
    attribute.locator("textarea[name=attribute-choices]").fill("calm\nangry")
    page.check("#ann-see-each-other")
    page.uncheck("#ann-unassigned-open")
    page.fill("#ann-per-document", "2")
    shot(page, "project-new")
    with page.expect_navigation():
        page.click("#ann-save")

    project = Project.objects.get(name="Wire copy")
    assert page.url.endswith(f"/projects/{project.pk}/")
    assert list(project.labels.values_list("name", "hotkey")) == [
        ("STATEMENT", "1"), ("EVIDENCE", "e"), ("SOURCE", "2")]
    assert project.settings["role_labels"] == {"claim": "STATEMENT", "source": "SOURCE",
                                               "cue": "EVIDENCE"}
    assert project.settings["annotators_per_document"] == 2
    assert project.settings["unassigned_open"] is False
    assert project.settings["annotators_see_each_other"] is True
    assert project.attribute_definitions[-1]["choices"] == ["calm", "angry"]
    assert Membership.objects.get(project=project).user == world.admin
    assert page.js_errors == []


def test_new_project_page_says_what_is_wrong_and_where_when_a_label_is_bad(
        page, live_server, world):
    staff(world.admin)
    login(page, live_server, "boss", next_path="/projects/new/")
    ready(page)
    page.fill("#ann-name", "Broken")
    page.locator(".ann-label-row").nth(1).locator("input[name=label-name]").fill("CLAIM")
    page.click("#ann-save")
    page.wait_for_selector("#ann-form-message.ann-message-error")
    message = page.inner_text("#ann-form-message")
    assert "Label 2" in message and "name" in message
    assert not Project.objects.filter(name="Broken").exists()


def test_non_staff_get_no_new_project_link_and_a_403_page(page, live_server, world):
    login(page, live_server, "ann")
    assert page.locator("#ann-new-project").count() == 0
    response = page.goto(f"{live_server.url}/projects/new/")
    assert response.status == 403


def test_settings_show_a_label_in_use_and_merge_it_into_another(
        page, live_server, world, shot):
    project = world.project
    document, _ = document_create(project=project, title="Wire", text=TEXT)
    quote = Label.objects.create(project=project, name="QUOTE", hotkey="q", color="#7c3aed",
                                 position=3)
    for piece in ("the deal is dead", "talks collapsed"):
        start = TEXT.index(piece)
        span_create(document=document, annotator=world.annotator, label=quote, start=start,
                    end=start + len(piece))
    login(page, live_server, "boss", next_path=f"/projects/{project.pk}/")
    page.click("#ann-admin-links >> text=Settings and labels")
    ready(page)
    row = page.locator(".ann-label-row[data-id='%d']" % quote.pk)
    page.wait_for_function("() => [...document.querySelectorAll('.ann-usage')]"
                           ".some((c) => c.textContent === '2 spans')")
    assert row.locator(".ann-usage").inner_text() == "2 spans"
    # Renaming a label keeps its spans: SOURCE becomes WHO on save.
    page.locator(".ann-label-row").nth(1).locator("input[name=label-name]").fill("WHO")
    row.locator("button[aria-label='Remove QUOTE']").click()
    offer = page.locator(".ann-in-use")
    assert "QUOTE is used by 2 spans" in offer.inner_text()
    shot(page, "project-settings-in-use")
    offer.locator(".ann-rename-button").click()   # closes the offer, the name to edit
    assert page.locator(".ann-in-use").count() == 0
    assert page.evaluate("() => document.activeElement.value") == "QUOTE"
    row.locator("button[aria-label='Remove QUOTE']").click()
    offer.locator("select.ann-merge-into").select_option(label="CLAIM")
    page.once("dialog", lambda dialog: dialog.accept())
    offer.locator(".ann-merge-button").click()
    page.wait_for_selector("#ann-form-message.ann-message-success")
    assert "2 spans moved" in page.inner_text("#ann-form-message")
    assert not Label.objects.filter(pk=quote.pk).exists()
    assert set(Span.objects.values_list("label__name", flat=True)) == {"CLAIM"}
    page.wait_for_function("() => document.querySelector('.ann-label-row .ann-usage')"
                           ".textContent === '2 spans'")   # CLAIM now counts them
    page.click("#ann-save")
    page.wait_for_function("() => document.querySelector('#ann-form-message')"
                           ".textContent === 'Saved.'")
    assert list(project.labels.values_list("name", flat=True)) == ["CLAIM", "WHO", "CUE"]
    project.refresh_from_db()
    assert project.settings["role_labels"]["source"] == "WHO"
    shot(page, "project-settings-merged")
    assert page.js_errors == []


def test_settings_say_how_many_use_a_label_removed_meanwhile_when_saving(
        page, live_server, world):
    """The page read no usage for a label (spans came after it opened): the server's 409
    opens the offer on that row, with the count."""
    project = world.project
    document, _ = document_create(project=project, title="Wire", text=TEXT)
    login(page, live_server, "boss", next_path=f"/projects/{project.pk}/settings/")
    ready(page)
    cue = Label.objects.get(project=project, name="CUE")
    start = TEXT.index("said")
    span_create(document=document, annotator=world.annotator, label=cue, start=start,
                end=start + 4)
    page.locator(".ann-label-row[data-id='%d'] button[aria-label='Remove CUE']" % cue.pk).click()
    page.click("#ann-save")
    page.wait_for_selector(".ann-in-use")
    assert "CUE is used by 1 span" in page.inner_text(".ann-in-use")
    assert "Not saved" in page.inner_text("#ann-form-message")
    assert Label.objects.filter(pk=cue.pk).exists()


def test_admin_adds_members_three_ways_changes_a_role_and_is_refused_as_last_admin(
        page, live_server, world, shot):
    project = world.project
    users = get_user_model().objects
    users.create_user("carol", email="carol@example.org", password=PASSWORD)
    login(page, live_server, "boss", next_path=f"/projects/{project.pk}/")
    page.click("#ann-admin-links >> text=Members and roles")
    ready(page)
    assert page.locator(".ann-member-row").count() == 2

    # An existing account, found by its user name.
    page.fill("#ann-search-q", "caro")
    page.select_option("#ann-search-role", "annotator")
    page.click("#ann-search-form button[type=submit]")
    found = page.locator("#ann-found li[data-username=carol]")
    assert "c•••@example.org" in found.inner_text()
    found.locator("button").click()
    page.wait_for_selector(".ann-member-row[data-username=carol]")

    # An invitation: an account for the address, and its link shown.
    page.fill("#ann-invite-email", "dana@example.org")
    page.select_option("#ann-invite-role", "reviewer")
    page.click("#ann-invite-form button[type=submit]")
    page.wait_for_selector("#ann-invite-result .ann-secret input")
    link = page.input_value("#ann-invite-result .ann-secret input")
    assert "/accounts/set-password/" in link
    assert "invited" in page.inner_text(".ann-member-row[data-username=dana]")

    # A new account with a one-time password, shown once.
    page.fill("#ann-account-username", "erin")
    page.select_option("#ann-account-role", "annotator")
    page.click("#ann-account-form button[type=submit]")
    page.wait_for_selector("#ann-account-result .ann-secret input")
    password = page.input_value("#ann-account-result .ann-secret input")
    assert users.get(username="erin").check_password(password)
    shot(page, "project-members-added")

    # A role changed; then the last admin is refused, and the page says why.
    page.select_option(".ann-member-row[data-username=ann] select", "reviewer")
    page.wait_for_function("() => document.querySelector('#ann-members-message')"
                           ".textContent === 'ann is now reviewer.'")
    assert Membership.objects.get(project=project, user=world.annotator).role == "reviewer"
    page.select_option(".ann-member-row[data-username=boss] select", "annotator")
    page.wait_for_selector("#ann-members-message.ann-message-error")
    assert "last admin" in page.inner_text("#ann-members-message")
    assert page.input_value(".ann-member-row[data-username=boss] select") == "admin"
    page.once("dialog", lambda dialog: dialog.accept())
    page.click(".ann-member-row[data-username=boss] button:has-text('Remove')")
    page.wait_for_function("() => document.querySelector('#ann-members-message')"
                           ".textContent.includes('was not removed')")
    assert "last admin" in page.inner_text("#ann-members-message")
    assert Membership.objects.get(project=project, user=world.admin).role == "admin"
    shot(page, "project-members-last-admin")
    assert set(Membership.objects.filter(project=project).values_list(
        "user__username", flat=True)) == {"boss", "ann", "carol", "dana", "erin"}

    # The invited person chooses a password through the link and signs in.
    other = page.context.browser.new_context()
    try:
        invited = other.new_page()
        invited.goto(link.replace("http://testserver", live_server.url))
        invited.fill("#id_new_password1", "a-Long-chosen-passw0rd")
        invited.fill("#id_new_password2", "a-Long-chosen-passw0rd")
        with invited.expect_navigation():
            invited.click("button[type=submit]")
        assert "Your password is set" in invited.inner_text("main")
    finally:
        other.close()
    assert users.get(username="dana").check_password("a-Long-chosen-passw0rd")

    # The account with a one-time password signs in and must choose its own first.
    other = page.context.browser.new_context()
    try:
        erin = other.new_page()
        erin.goto(f"{live_server.url}/login/?next=/projects/{project.pk}/")
        erin.fill("#id_username", "erin")
        erin.fill("#id_password", password)
        with erin.expect_navigation():
            erin.click("button[type=submit]")
        assert erin.url.startswith(f"{live_server.url}/accounts/password/")
        assert "one-time password" in erin.inner_text("main")
        erin.fill("#id_old_password", password)
        erin.fill("#id_new_password1", "erins-Own-passw0rd")
        erin.fill("#id_new_password2", "erins-Own-passw0rd")
        with erin.expect_navigation():
            erin.click("main button[type=submit]")
        assert erin.url == f"{live_server.url}/projects/{project.pk}/"
    finally:
        other.close()
    assert users.get(username="erin").check_password("erins-Own-passw0rd")
    assert page.js_errors == []


def test_new_project_page_names_the_row_when_the_api_refuses_a_field(page, live_server, world):
    """A key of two characters is refused by the API's parsing (not the services): the
    message still names the label row and the field."""
    staff(world.admin)
    login(page, live_server, "boss", next_path="/projects/new/")
    ready(page)
    page.fill("#ann-name", "Broken keys")
    page.locator(".ann-label-row").nth(2).locator("input[name=label-hotkey]").evaluate(
        "(el) => { el.removeAttribute('maxlength'); }")
    page.locator(".ann-label-row").nth(2).locator("input[name=label-hotkey]").fill("33")
    page.click("#ann-save")
    page.wait_for_selector("#ann-form-message.ann-message-error")
    message = page.inner_text("#ann-form-message")
    assert "Label 3 (CUE), hotkey" in message


HOSTILE = '<img src=x onerror="window.__pwned=1">"\'&'


def test_settings_and_members_pages_show_hostile_names_as_text(page, live_server, world):
    project = world.project
    project.name = f"Desk {HOSTILE}"
    project.guidelines = f"# {HOSTILE}\n\n- **{HOSTILE}**"
    project.save()
    Label.objects.filter(project=project, name="CUE").update(description=HOSTILE)
    get_user_model().objects.create_user("mallory", email="m@example.org", password=PASSWORD,
                                         first_name=HOSTILE)
    Membership.objects.create(project=project, user=get_user_model().objects.get(
        username="mallory"), role="annotator")
    login(page, live_server, "boss", next_path=f"/projects/{project.pk}/settings/")
    ready(page)
    assert page.input_value("#ann-name") == f"Desk {HOSTILE}"
    assert HOSTILE in page.inner_text("#ann-guidelines-preview")
    assert page.locator("#ann-guidelines-preview img, .ann-label-table img").count() == 0
    assert page.locator(".ann-label-row").nth(2).locator(
        "input[name=label-description]").input_value() == HOSTILE
    page.goto(f"{live_server.url}/projects/{project.pk}/members/")
    ready(page)
    assert HOSTILE in page.inner_text(".ann-crumbs")
    assert page.locator("main img").count() == 0
    assert page.evaluate("() => window.__pwned") is None
    assert page.js_errors == []
