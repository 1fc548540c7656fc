"""The words a doctor's CSV may use, in French, Dutch and English: column headers, service
names as the forms show them, and outcomes. A template downloaded in French comes back
with French headers and words; a file from an agenda program may use any of the three.

Pure: the service names are passed in, nothing is read from the database here.
"""

from __future__ import annotations

import unicodedata

from django.utils import translation

from claims.importers.csvfile import normalise_column
from claims.models import Outcome

#: Every accepted header → the column the importers know. Keys are normalised the way
#: ``read_csv`` normalises a header (lower case, spaces and dashes as underscores) and
#: stripped of accents, so "Début", "debut" and "DÉBUT" are one.
_COLUMN_WORDS = {
    "start": ["start", "begin", "from", "debut", "van", "starttijd"],
    "end": ["end", "until", "to", "fin", "jusqua", "einde", "tot", "eind"],
    "services": ["services", "service", "diensten", "dienst", "services_ehealth"],
    "note": ["note", "notes", "remarque", "commentaire", "opmerking", "notitie"],
    "duration_minutes": [
        "duration_minutes",
        "duration",
        "minutes",
        "duree_minutes",
        "duree_(minutes)",
        "duree",
        "duur_minuten",
        "duur_(minuten)",
        "duur",
        "minuten",
    ],
    "code": ["code", "code_nomenclature", "nomenclature", "nomenclatuurcode", "nomenclatuur"],
    "fee": ["fee", "fee_eur", "honoraires", "honoraires_eur", "honorarium", "honorarium_eur"],
    "outcome": ["outcome", "issue", "resultat", "suite", "resultaat", "uitkomst", "gevolg"],
}

#: Outcome words beyond the three languages' labels: the short words an agenda writes.
_OUTCOME_WORDS = {
    Outcome.COMPLETED: ["completed", "done", "effectuee", "effectue", "realisee", "uitgevoerd"],
    Outcome.POSTPONED: ["postponed", "reportee", "reporte", "uitgesteld"],
    Outcome.CANCELLED: ["cancelled", "canceled", "annulee", "annule", "geannuleerd"],
    Outcome.UNPAID: ["unpaid", "impayee", "impaye", "non_payee", "onbetaald", "niet_betaald"],
}

LANGUAGES = ("fr", "nl", "en")


def plain(word: str) -> str:
    """Lower case, accents removed, spaces and dashes as underscores: how words compare."""
    decomposed = unicodedata.normalize("NFKD", normalise_column(word))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


_COLUMNS = {plain(word): column for column, words in _COLUMN_WORDS.items() for word in words}


def canonical_column(name: str) -> str:
    """The importer's name of a header cell (itself when unknown, so the error names it)."""
    return _COLUMNS.get(plain(name), name)


def _outcomes() -> dict[str, str]:
    words = {plain(word): outcome.value for outcome, ws in _OUTCOME_WORDS.items() for word in ws}
    for language in LANGUAGES:
        with translation.override(language):
            for value, label in Outcome.choices:
                words[plain(str(label))] = value
    return words


def parse_outcome(value: str) -> str | None:
    """``cancelled``, ``annulé``, ``Geannuleerd`` or a form's label → the outcome; None."""
    return _outcomes().get(plain(value))


def service_words(services) -> dict[str, object]:
    """Each service under its slug and under its name in every language, as the forms
    show them ("eHealth authentication", "Authentification eHealth")."""
    words = {}
    for service in services:
        for word in (service.slug, service.name_fr, service.name_nl, service.name_en):
            if word:
                words[plain(word)] = service
    return words
