from django.apps import AppConfig


class AnnotatorConfig(AppConfig):
    name = "annotator"
    verbose_name = "Claim-and-source annotator"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Imported here, not at the top: it reaches the models, which are not loaded
        # when this module is; importing it connects its sign-in receiver.
        from annotator import password_gate  # noqa: F401
