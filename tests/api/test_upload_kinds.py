"""Through the API, an upload that is not what its format says is a 400 on "file" saying
what it is (tests/services/test_import_file_kinds.py has every kind); nothing is stored."""
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from annotator.models import Document

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("name, data, message", [
    ("fake.zip", b'{"text": "Officials said so."}\n',
     "fake.zip is not a zip file: it is JSON Lines."),
    ("a.txt", b"", "The submitted file is empty."),
])
def test_an_upload_that_is_not_what_it_says_is_a_400_saying_what_it_is(world, api, name, data,
                                                                      message):
    response = api(world.admin).post(f"/api/projects/{world.project.pk}/imports/",
                                     {"file": SimpleUploadedFile(name, data), "format": "txt"},
                                     format="multipart")
    assert response.status_code == 400
    assert response.json()["file"] == [message]
    assert Document.objects.filter(project=world.project).count() == 1
