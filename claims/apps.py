from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ClaimsConfig(AppConfig):
    name = "claims"
    verbose_name = _("Doctors and claims")

    def ready(self):
        # Imported here: receivers may only be connected once the app registry is ready.
        from claims import receivers  # noqa: F401
