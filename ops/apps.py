from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpsConfig(AppConfig):
    """Running the app: background workers, their heartbeats and crash recovery."""

    name = "ops"
    verbose_name = _("Operations")
