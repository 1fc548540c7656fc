"""Belgian French number format: 1.234,56 (ui.md), like Dutch, not France's 1 234,56."""

from django.conf.locale.fr.formats import *  # noqa: F403

DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "."
NUMBER_GROUPING = 3
