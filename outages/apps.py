from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutagesConfig(AppConfig):
    name = "outages"
    verbose_name = _("Official incident calendar")

    def ready(self):
        from outages import receivers  # noqa: F401  (connects the signal receivers)
