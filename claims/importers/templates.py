"""Downloadable CSV templates of the slot and consultation imports, in the doctor's
language and with Belgian conventions (semicolons, day-first dates, decimal commas, UTF-8
with a byte-order mark so that Excel opens accents right). They read back unchanged: the
importers accept these headers, service names and outcome words (``vocabulary``)."""

from __future__ import annotations

import csv
import io

from django.utils import translation

from claims.models import Outcome

HEADERS = {
    "slots": {
        "fr": ["début", "fin", "services", "note"],
        "nl": ["begin", "einde", "diensten", "opmerking"],
        "en": ["start", "end", "services", "note"],
    },
    "consultations": {
        "fr": ["début", "durée (minutes)", "code", "honoraires", "services", "issue"],
        "nl": ["begin", "duur (minuten)", "code", "honorarium", "diensten", "uitkomst"],
        "en": ["start", "duration_minutes", "code", "fee", "services", "outcome"],
    },
}
_EXAMPLE_NOTE = {"fr": "en attente de Recip-e", "nl": "wachten op Recip-e", "en": "waiting"}


def _money(amount: str, language: str) -> str:
    return amount.replace(".", ",") if language in ("fr", "nl") else amount


def csv_template(kind: str, *, language: str, services: list) -> bytes:
    """``services``: the example row's services (their names in ``language`` are used)."""
    language = language if language in ("fr", "nl", "en") else "fr"
    names = ";".join(getattr(service, f"name_{language}") for service in services)
    if kind == "slots":
        example = ["15/01/2024 07:30", "15/01/2024 10:00", names, _EXAMPLE_NOTE[language]]
    else:
        with translation.override(language):
            outcome = str(Outcome.CANCELLED.label)
        example = ["15/01/2024 09:40", "20", "101076", _money("31.81", language), names, outcome]
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(HEADERS[kind][language])
    writer.writerow(example)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
