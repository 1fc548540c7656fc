from django.apps import AppConfig


class EvidenceConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "evidence"
    verbose_name = "Independent evidence"

    def ready(self):
        # Official imports link to the watcher's provisional incidents (receivers.py).
        from evidence import receivers  # noqa: F401
