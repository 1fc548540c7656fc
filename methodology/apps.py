from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MethodologyConfig(AppConfig):
    """The published methodology, readable by anyone: rules, versions, worked example."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "methodology"
    verbose_name = _("Methodology")
