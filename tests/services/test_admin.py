import pytest
from django.apps import apps
from django.contrib import admin
from django.core.management import call_command
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_every_model_of_the_app_is_in_the_admin():
    missing = [m.__name__ for m in apps.get_app_config("annotator").get_models()
               if m not in admin.site._registry]
    assert missing == []


def test_every_admin_list_page_renders_when_data_exists(client, django_user_model, settings):
    settings.DEBUG = True
    call_command("load_seeds")
    call_command("create_demo_users")
    client.force_login(django_user_model.objects.get(username="admin"))
    for model in apps.get_app_config("annotator").get_models():
        url = reverse(f"admin:annotator_{model._meta.model_name}_changelist")
        assert client.get(url).status_code == 200, url
