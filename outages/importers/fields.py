"""Reading one value of an incident file: text encoding, impact, status, references and
links; dates and times are the toolkit's (``importkit.moments``: ISO 8601 or day first,
Brussels wall-clock time by the one DST rule, cut to the second). Each reader returns the
clean value or raises ``FieldError`` with a translated message that says what is wrong and
what is accepted.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext as _

from importkit.moments import FieldError, aware_moment, localize_brussels, parse_moment
from importkit.text import NotText, Text, decode
from outages.importers.rows import ImportIssue, ParsedFile
from outages.models import Impact, IncidentStatus

__all__ = [
    "FieldError",
    "FileError",
    "aware_moment",
    "decode_text",
    "localize_brussels",
    "parse_moment",
    "parse_text_file",
]

REFERENCE_MAX_LENGTH = 100
TITLE_MAX_LENGTH = 300
SOURCE_URL_MAX_LENGTH = 500


class FileError(ValueError):
    """The whole file cannot be read (encoding, binary content, size)."""


# --- the file as text ----------------------------------------------------------------------


def decode_text(data: bytes, *, spreadsheet_fallback: bool = False) -> Text:
    """The file as text (``importkit.text``: UTF-8 with or without a byte-order mark; with
    ``spreadsheet_fallback``, Windows-1252 when it is not UTF-8), or FileError.

    Spreadsheet programs offer "CSV UTF-8"; a workbook saved as such, or a file in another
    encoding, is refused with a message that says how to export it properly rather than
    guessed at. Windows-1252 is no guess for a CSV: bytes that are not UTF-8 and that
    Windows-1252 decodes are what Excel writes; the import then warns (``parse_text_file``).
    """
    try:
        return decode(data, spreadsheet_fallback=spreadsheet_fallback)
    except NotText as refused:
        raise FileError(_not_text_message(refused)) from None


def _not_text_message(refused: NotText) -> str:
    if refused.kind == "workbook":
        return _(
            "This looks like a spreadsheet workbook, not a text file. "
            "Save it as “CSV UTF-8” and upload the CSV file."
        )
    if refused.kind == "utf16":
        return _("The file is in UTF-16. Save it as UTF-8 (in a spreadsheet: “CSV UTF-8”).")
    if refused.kind == "encoding":
        return _(
            "The file is not UTF-8 text (first bad byte on line %(line)s). "
            "Save it as UTF-8 (in a spreadsheet: “CSV UTF-8”)."
        ) % {"line": refused.line}
    return _("This is not a text file (CSV, iCalendar or JSON).")


def parse_text_file(data: bytes, catalogue, parse, *, spreadsheet_fallback=False) -> ParsedFile:
    """A text format's bytes → ``parse(text, catalogue)``; a file that is not text is one
    error, and a CSV read as Windows-1252 gets a warning to check its accented letters."""
    try:
        text = decode_text(data, spreadsheet_fallback=spreadsheet_fallback)
    except FileError as exc:
        return ParsedFile(errors=[ImportIssue(None, "", str(exc))])
    parsed = parse(text.text, catalogue)
    if text.from_spreadsheet_encoding:
        parsed.warnings.insert(
            0,
            ImportIssue(
                None,
                "",
                _(
                    "The file is not UTF-8: it was read as Windows-1252, the encoding of "
                    "Excel's “CSV” on Windows. Check the accented letters in the preview."
                ),
            ),
        )
    return parsed


# --- enumerations --------------------------------------------------------------------------


# Read once: TextChoices.values builds a new list on every access.
_IMPACTS = tuple(Impact.values)
_STATUSES = tuple(IncidentStatus.values)


def _normalized(value: str) -> str:
    return re.sub(r"[\s-]+", "_", value.strip().lower())


def parse_impact(value: str) -> str:
    """One of the four impacts; ``Major outage`` and ``major-outage`` are accepted too."""
    if value in _IMPACTS:
        return value  # the common case, without the normalisation's regular expression
    impact = _normalized(value)
    if impact not in _IMPACTS:
        raise FieldError(
            _("“%(value)s” is not an impact. Use one of: %(choices)s.")
            % {"value": value.strip(), "choices": ", ".join(_IMPACTS)}
        )
    return impact


def parse_status(value: str) -> str:
    """confirmed or provisional; empty means confirmed (interfaces.md)."""
    if value in _STATUSES:
        return value
    if not value.strip():
        return IncidentStatus.CONFIRMED.value
    status = _normalized(value)
    if status not in _STATUSES:
        raise FieldError(
            _("“%(value)s” is not a status. Use one of: %(choices)s.")
            % {"value": value.strip(), "choices": ", ".join(_STATUSES)}
        )
    return status


# --- free text ------------------------------------------------------------------------------


def parse_reference(value: str) -> str:
    reference = value.strip()
    if not reference:
        raise FieldError(_("The reference is empty."))
    if len(reference) > REFERENCE_MAX_LENGTH:
        raise FieldError(
            _("The reference is longer than %(max)s characters.") % {"max": REFERENCE_MAX_LENGTH}
        )
    if any(ord(char) < 32 for char in reference):
        raise FieldError(_("The reference holds a line break or a control character."))
    return reference


_url_validator = URLValidator(schemes=["http", "https"])
# Plain links with an ordinary host name, which Django's validator always accepts, are
# recognised by this much cheaper expression first (it matters for 100,000-row files);
# anything else goes through the full validator.
_PLAIN_URL = re.compile(
    r"^https?://(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}(?::\d{1,5})?"
    r"(?:[/?#][^\s]*)?$",
    re.IGNORECASE,
)


def parse_source_url(value: str) -> str:
    url = value.strip()
    if not url:
        return ""
    if len(url) > SOURCE_URL_MAX_LENGTH:
        raise FieldError(
            _("The link is longer than %(max)s characters.") % {"max": SOURCE_URL_MAX_LENGTH}
        )
    if _PLAIN_URL.match(url):
        return url
    try:
        _url_validator(url)
    except ValidationError as exc:
        raise FieldError(
            _("“%(value)s” is not a web address (http:// or https://).") % {"value": url}
        ) from exc
    return url


def split_service_list(value: str) -> list[str]:
    """``recip-e;mycarenet`` → two slugs. Commas and spaces separate too, since no slug
    holds one, so a list typed by hand in any of these ways reads the same."""
    return [part for part in re.split(r"[;,\s]+", value.strip()) if part]
