"""Values of an import row: datetimes in Brussels, service lists, fees, whole numbers.

Each parser returns the value or raises ``ValueError`` with the sentence the doctor
reads next to the line number.
"""

from __future__ import annotations

import re
from datetime import datetime
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from claims.importers.vocabulary import plain
from outages.intervals import whole_second
from outages.models import Service
from outages.wallclock import brussels_wall_clock

# Day-first formats, as Belgian spreadsheets and agenda programs write them.
_DAY_FIRST_FORMATS = (
    "%d/%m/%Y %H:%M",
    "%d/%m/%Y %H:%M:%S",
    "%d-%m-%Y %H:%M",
    "%d-%m-%Y %H:%M:%S",
    "%d.%m.%Y %H:%M",
    "%d.%m.%Y %H:%M:%S",
)


def parse_datetime(value: str) -> datetime:
    """ISO 8601 (``2024-01-15T09:40``, with or without offset) or ``15/01/2024 09:40``;
    without an offset the time is Brussels time, by the one DST rule of
    ``outages.wallclock`` (a time the DST night repeats or skips needs its offset)."""
    value = value.strip()
    if not value:
        raise ValueError(_("A date and time is required."))
    parsed = None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        for pattern in _DAY_FIRST_FORMATS:
            try:
                parsed = datetime.strptime(value, pattern)  # noqa: DTZ007 (made aware below)
                break
            except ValueError:
                continue
    if parsed is None or (len(value) <= 10 and "T" not in value and " " not in value):
        raise ValueError(
            _("“%(value)s” is not a date and time; write it like 2024-01-15T09:40.")
            % {"value": value}
        )
    # Cut to the whole second as it enters the application (methodology.md, "Rules").
    parsed = whole_second(parsed)
    if parsed.tzinfo is None:
        return brussels_wall_clock(parsed)  # WallClockError is a ValueError
    return parsed


def parse_services(value: str, known: dict[str, Service], *, required: bool) -> list[Service]:
    """Services by slug or by any displayed name (``known``: ``vocabulary.service_words``
    or slugs alone), separated by ";", "," or "|"."""
    words = [word.strip() for word in re.split(r"[;,|]", value) if word.strip()]
    if not words:
        if required:
            raise ValueError(_("Name at least one service, e.g. recip-e or mycarenet."))
        return []
    unknown = [word for word in words if plain(word) not in known and word.lower() not in known]
    if unknown:
        slugs = sorted({service.slug for service in known.values()})
        raise ValueError(
            _("Unknown service %(slugs)s; use one of: %(known)s.")
            % {"slugs": ", ".join(unknown), "known": ", ".join(slugs)}
        )
    services = {known.get(plain(word)) or known[word.lower()] for word in words}
    return sorted(services, key=lambda service: service.slug)


def parse_fee(value: str) -> Decimal | None:
    """``31.81``, ``31,81`` or ``€ 31,81``; empty means "take the nomenclature's fee"."""
    cleaned = value.replace("€", "").replace("EUR", "").replace("\u00a0", "").replace(" ", "")
    if not cleaned:
        return None
    if "," in cleaned and "." in cleaned:
        # 1.234,56 or 1,234.56: the last separator is the decimal one.
        if cleaned.rfind(",") > cleaned.rfind("."):
            cleaned = cleaned.replace(".", "").replace(",", ".")
        else:
            cleaned = cleaned.replace(",", "")
    else:
        cleaned = cleaned.replace(",", ".")
    try:
        fee = Decimal(cleaned)
    except InvalidOperation:
        raise ValueError(
            _("“%(value)s” is not an amount; write it like 31.81.") % {"value": value}
        ) from None
    if not fee.is_finite() or fee < 0:
        raise ValueError(_("A fee is a positive amount, like 31.81."))
    if fee != fee.quantize(Decimal("0.01")):
        raise ValueError(_("A fee has at most two decimals (cents)."))
    if fee >= Decimal("1000000"):
        raise ValueError(_("A fee must be less than 1,000,000 EUR."))
    return fee.quantize(Decimal("0.01"))


def parse_minutes(value: str) -> int:
    value = value.strip()
    if not re.fullmatch(r"\d+", value):
        raise ValueError(_("“%(value)s” is not a whole number of minutes.") % {"value": value})
    return int(value)
