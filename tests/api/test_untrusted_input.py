"""Bodies, query strings and forms that would break a project are 400s naming the field
(issue #12, point 5): NaN and Infinity, bytes that are not UTF-8, charsets that smuggle a
lone surrogate past UTF-8, and the admin's JSON text boxes. Nothing is stored.
(test_lone_surrogates.py covers every string field of every API body.)"""
import json

import pytest
from django.contrib import admin as django_admin
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from annotator.models import Document, Project

pytestmark = pytest.mark.django_db


def post_json(client, url, raw: bytes, content_type="application/json"):
    return client.generic("POST", url, raw, content_type=content_type)


def documents_url(world) -> str:
    return f"/api/projects/{world.project.pk}/documents/"


# --- JSON bodies ------------------------------------------------------------------------------------

@pytest.mark.parametrize("number, reason", [
    ("NaN", "is NaN"), ("Infinity", "is Infinity"), ("-Infinity", "is -Infinity"),
    ("1e400", "is Infinity")])
def test_nan_or_infinity_in_a_body_is_a_400_naming_the_field_when_json(world, api, number,
                                                                       reason):
    before = Document.objects.count()
    raw = b'{"text": "Officials said so.", "metadata": {"scores": [1, %s]}}' % number.encode()
    response = post_json(api(world.admin), documents_url(world), raw)
    assert response.status_code == 400, response.content
    assert response.json() == {
        "metadata.scores[1]": [f"{reason}: only finite numbers are allowed."]}
    assert Document.objects.count() == before


def test_bytes_that_are_not_utf8_in_a_json_body_are_a_400_naming_the_byte(world, api):
    response = post_json(api(world.admin), documents_url(world),
                         b'{"text": "caf\xe9 au lait"}')
    assert response.status_code == 400
    assert response.json() == {"detail": "JSON parse error - not valid UTF-8 (byte 13: 0xe9)."}


def test_a_json_body_in_a_charset_that_makes_lone_surrogates_is_a_400(world, api):
    """unicode_escape turns the six characters \\udc80 into a lone surrogate; JSON is UTF-8."""
    before = Document.objects.count()
    response = post_json(api(world.admin), documents_url(world),
                         b'{"text": "Officials said so.", "metadata": {"k": "\\\\udc80"}}',
                         content_type="application/json; charset=unicode_escape")
    assert response.status_code == 400
    assert "charset=unicode_escape" in response.json()["detail"]
    assert Document.objects.count() == before


def test_a_lone_surrogate_in_a_bad_choice_is_a_400_not_a_500_when_echoed(world, api):
    """DRF's "is not a valid choice" echoes the value: rendered, it was a 500."""
    response = post_json(api(world.admin), f"/api/projects/{world.project.pk}/members/",
                         json.dumps({"username": "ann2", "role": "\udc80"}).encode())
    assert response.status_code == 400
    assert response.json() == {"role": ["contains a lone surrogate U+DC80 (code point 0)."]}


def test_a_lone_surrogate_in_an_ignored_body_is_still_a_400(world, api):
    """A signed-in caller's token request does not need its body; it is checked anyway."""
    response = post_json(api(world.admin), "/api/auth/token/",
                         json.dumps({"username": "x\udc80"}).encode())
    assert response.status_code == 400
    assert "username" in response.json()


# --- Query strings and forms --------------------------------------------------------------------------

def test_a_query_parameter_that_is_not_utf8_is_a_400_naming_it(world, api, client):
    response = api(world.admin).get(documents_url(world) + "?q=%ff&page=1")
    assert response.status_code == 400
    assert response.json() == {"q": ["is not valid UTF-8 (byte 0: 0xff)."]}
    client.force_login(world.admin)
    page = client.get(f"/projects/{world.project.pk}/?q=caf%E9")
    assert page.status_code == 400
    assert page["Content-Type"].startswith("text/plain")
    assert page.content.decode() == "Bad request: q: is not valid UTF-8 (byte 3: 0xe9)."


def test_utf8_query_parameters_and_forms_still_work(world, api, client):
    response = api(world.admin).get(documents_url(world) + "?q=%F0%9F%87%BA%F0%9F%87%A6")
    assert response.status_code == 200 and response.json()["count"] == 1
    page = client.post("/login/", {"username": "boss", "password": "a-Long-test-passw0rd"})
    assert page.status_code == 302


def test_a_login_form_that_is_not_utf8_is_a_400_and_counts_no_failure(world):
    from axes.models import AccessAttempt

    client = Client()
    response = client.post("/login/", b"username=b%F6ss&password=x",
                           content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400
    assert "username: is not valid UTF-8 (byte 1: 0xf6)" in response.content.decode()
    assert not AccessAttempt.objects.exists()


def multipart(fields: dict[str, bytes], file: bytes, charset: str = "") -> tuple[bytes, str]:
    boundary = "b0undary"
    body = b"".join(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
                    .encode() + value + b"\r\n" for name, value in fields.items())
    body += (f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
             f'filename="a.jsonl"\r\nContent-Type: application/octet-stream\r\n\r\n'
             .encode() + file + f"\r\n--{boundary}--\r\n".encode())
    return body, f"multipart/form-data; boundary={boundary}{charset}"


def test_a_multipart_field_that_is_not_utf8_is_a_400_naming_it(world, api):
    body, content_type = multipart({"format": b"json\xffl"}, b'{"text": "Officials said."}\n')
    response = api(world.admin).generic("POST", f"/api/projects/{world.project.pk}/imports/",
                                        body, content_type=content_type)
    assert response.status_code == 400
    assert response.json() == {"format": ["is not valid UTF-8 (byte 4: 0xff)."]}
    assert Document.objects.filter(project=world.project).count() == 1


def test_a_multipart_form_in_a_charset_that_makes_lone_surrogates_is_a_400(world, api):
    """Django decodes the fields in the declared charset: \\udc80 became a lone surrogate,
    and the choice error echoing it was a 500."""
    body, content_type = multipart({"format": b"\\udc80"}, b'{"text": "Officials said."}\n',
                                   charset="; charset=unicode_escape")
    response = api(world.admin).generic("POST", f"/api/projects/{world.project.pk}/imports/",
                                        body, content_type=content_type)
    assert response.status_code == 400
    assert "charset=unicode_escape" in response.json()["detail"]


def test_an_uploaded_file_with_nan_is_a_400_naming_its_line(world, api):
    data = b'{"text": "Officials said so."}\n{"text": "Two.", "metadata": {"x": NaN}}\n'
    response = api(world.admin).post(f"/api/projects/{world.project.pk}/imports/",
                                     {"file": SimpleUploadedFile("n.jsonl", data),
                                      "format": "jsonl"}, format="multipart")
    assert response.status_code == 400
    assert response.json()["errors"] == [
        {"where": "n.jsonl:2", "reason": "metadata.x: is NaN: only finite numbers are allowed."}]
    assert Document.objects.filter(project=world.project).count() == 1


# --- The admin ----------------------------------------------------------------------------------------

def test_every_admin_form_of_the_app_is_checked():
    from annotator import admin as annotator_admin

    for model, model_admin in django_admin.site._registry.items():
        if model._meta.app_label != "annotator":
            continue
        assert isinstance(model_admin, annotator_admin.CheckedAdmin), model
        for inline in model_admin.inlines:
            assert issubclass(inline, annotator_admin.Checked), inline


def admin_form(project: Project, **changes) -> dict:
    """The project's change form as the admin page sends it, with changes."""
    data = {"name": project.name, "description": project.description,
            "guidelines": project.guidelines,
            "attribute_definitions": json.dumps(project.attribute_definitions),
            "settings": json.dumps(project.settings), "_save": "Save"}
    for prefix, related in (("labels", project.labels.all()),
                            ("memberships", project.memberships.all())):
        rows = list(related)
        data.update({f"{prefix}-TOTAL_FORMS": str(len(rows)),
                     f"{prefix}-INITIAL_FORMS": str(len(rows)),
                     f"{prefix}-MIN_NUM_FORMS": "0", f"{prefix}-MAX_NUM_FORMS": "1000"})
        for i, row in enumerate(rows):
            data[f"{prefix}-{i}-id"] = str(row.pk)
            data[f"{prefix}-{i}-project"] = str(project.pk)
            if prefix == "labels":
                data.update({f"{prefix}-{i}-name": row.name, f"{prefix}-{i}-hotkey": row.hotkey,
                             f"{prefix}-{i}-color": row.color,
                             f"{prefix}-{i}-description": row.description,
                             f"{prefix}-{i}-position": str(row.position)})
            else:
                data.update({f"{prefix}-{i}-user": str(row.user_id),
                             f"{prefix}-{i}-role": row.role})
    data.update(changes)
    return data


@pytest.fixture
def superuser_client(world, django_user_model):
    client = Client()
    client.force_login(django_user_model.objects.create_superuser("root", password="x-Long-pw1"))
    return client


def test_an_admin_form_saves_when_its_json_is_clean(world, superuser_client):
    url = f"/admin/annotator/project/{world.project.pk}/change/"
    response = superuser_client.post(url, admin_form(world.project,
                                                     settings='{"note": "caf\\u00e9 🇺🇦"}'))
    assert response.status_code == 302
    assert Project.objects.get(pk=world.project.pk).settings == {"note": "café 🇺🇦"}


@pytest.mark.parametrize("typed, reason", [
    ('{"annotators_see_each_other": "\\udc80"}',
     "annotators_see_each_other: contains a lone surrogate U+DC80"),
    ('{"x\\ud800": 1}', "x\\ud800: the key contains a lone surrogate U+D800"),
    ('{"threshold": NaN}', "threshold: is NaN: only finite numbers are allowed."),
])
def test_admin_json_that_would_break_the_project_is_a_400_and_nothing_is_saved(
        world, superuser_client, api, typed, reason):
    url = f"/admin/annotator/project/{world.project.pk}/change/"
    response = superuser_client.post(url, admin_form(world.project, settings=typed))
    assert response.status_code == 400
    page = response.content.decode()
    assert reason in page
    assert typed.replace('"', "&quot;") in page  # the text box shows what was typed
    assert Project.objects.get(pk=world.project.pk).settings == {}
    assert api(world.admin).get(f"/api/projects/{world.project.pk}/").status_code == 200


def test_admin_document_metadata_with_a_lone_surrogate_is_a_400(world, superuser_client, api):
    document = world.document
    url = f"/admin/annotator/document/{document.pk}/change/"
    response = superuser_client.post(url, {
        "project": str(world.project.pk), "title": document.title,
        "source_url": "", "metadata": '{"author": "\\udc80"}', "_save": "Save"})
    assert response.status_code == 400
    assert "author: contains a lone surrogate U+DC80" in response.content.decode()
    assert Document.objects.get(pk=document.pk).metadata == {}
    assert api(world.admin).get(f"/api/documents/{document.pk}/").status_code == 200
