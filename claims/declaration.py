"""The declaration on honour: one source for the box the doctor ticks and the dossier.

The texts are versioned and written here in the three languages, not in the message
catalogues: a catalogue is edited freely, but the words a doctor accepted must never change
afterwards. The claim page shows ``declaration_text(CURRENT_VERSION, language)`` next to the
box; submitting stores ``CURRENT_VERSION`` on the claim (``Claim.declaration_version``); the
dossier prints ``declaration_text(claim.declaration_version, doctor's language)``, word for
word. A change of wording is a new version added below, never an edit of a published one.
"""

from __future__ import annotations

CURRENT_VERSION = "2024-1"

TEXTS: dict[str, dict[str, str]] = {
    "2024-1": {
        "fr": (
            "Je déclare sur l'honneur que les plages horaires et les consultations de cette "
            "demande sont, à ma connaissance, exactes et complètes, et qu'elles ne contiennent "
            "l'identité d'aucun patient."
        ),
        "nl": (
            "Ik verklaar op erewoord dat de tijdsblokken en raadplegingen van deze claim naar "
            "mijn beste weten juist en volledig zijn, en dat ze de identiteit van geen enkele "
            "patiënt bevatten."
        ),
        "en": (
            "I declare on my honour that the time slots and consultations of this claim are "
            "true and complete to the best of my knowledge, and that they contain no patient's "
            "identity."
        ),
    },
}

FALLBACK_LANGUAGE = "fr"


def declaration_text(version: str, language: str) -> str:
    """The words of ``version`` in ``language`` (French for a language it does not have)."""
    texts = TEXTS[version]
    return texts.get((language or "")[:2], texts[FALLBACK_LANGUAGE])
