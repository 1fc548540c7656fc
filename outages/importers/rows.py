"""Plain data that the parsers produce: incident rows, issues, the service catalogue.

No ORM here: a parser turns bytes into these, the import service (outages.services.imports)
compares them with the database and writes. That split keeps every format rule testable
without a database and lets the preview and the real import share one code path.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from django.utils.translation import gettext as _

from importkit.wallclock import whole_second


@dataclass(frozen=True, slots=True)
class ImportIssue:
    """An error or a warning about one place of the file.

    ``line`` is the physical line of the file (1-based; the header is line 1 in a CSV),
    ``None`` when the issue concerns the whole file. ``column`` names the CSV column,
    the iCalendar property or the JSON field.
    """

    line: int | None
    column: str
    message: str
    reference: str = ""

    def as_dict(self) -> dict:
        return {
            "line": self.line,
            "column": self.column,
            "message": str(self.message),
            "reference": self.reference,
        }

    def __str__(self) -> str:
        where = []
        if self.line is not None:
            where.append(f"line {self.line}")
        if self.column:
            where.append(f"column {self.column}")
        prefix = ", ".join(where)
        return f"{prefix}: {self.message}" if prefix else str(self.message)


@dataclass(frozen=True, slots=True)
class IncidentRow:
    """One valid incident read from a file.

    ``title``, ``description`` and ``source_url`` are ``None`` when the file does not carry
    them at all (no such column or property): an update then leaves the stored value
    alone, while an empty cell does clear it.
    """

    line: int | None
    reference: str
    services: tuple[str, ...]
    start: datetime
    end: datetime | None
    impact: str
    status: str
    title: str | None = None
    description: str | None = None
    source_url: str | None = None

    def __post_init__(self) -> None:
        # Every outage format ends here: its times are cut to the whole second once, as
        # they enter the application (a Statuspage ``created_at`` has milliseconds).
        object.__setattr__(self, "start", whole_second(self.start))
        if self.end is not None:
            object.__setattr__(self, "end", whole_second(self.end))


@dataclass
class ParsedFile:
    rows: list[IncidentRow] = field(default_factory=list)
    errors: list[ImportIssue] = field(default_factory=list)
    warnings: list[ImportIssue] = field(default_factory=list)
    # Entries the file holds but that are deliberately not imported (a Statuspage
    # incident whose components match no service, a cancelled iCalendar event).
    skipped: list[ImportIssue] = field(default_factory=list)


def checked_row(
    parsed: ParsedFile,
    errors: list[ImportIssue],
    *,
    end_at: tuple[int | None, str],
    issue_reference: str,
    **fields,
) -> IncidentRow | None:
    """The row of ``fields``, or ``None`` after recording every problem it has (all of
    them, not only the first: the admin fixes the file once), an end before the start
    included (reported at ``end_at``: line and column)."""
    start, end = fields["start"], fields["end"]
    if start is not None and end is not None and end < start:
        errors.append(ImportIssue(*end_at, _("The end is before the start."), issue_reference))
    if errors:
        parsed.errors.extend(errors)
        return None
    return IncidentRow(**fields)


def _key(text: str) -> str:
    """``Recip-e``, ``RECIP E`` and ``recip-e`` are one key: case, spaces and punctuation
    differ between status pages, calendars and this catalogue, the letters do not."""
    return "".join(char for char in text.casefold() if char.isalnum())


def _name_keys(name: str) -> list[str]:
    """A name, and for "Third-party payment (eFact)" also "Third-party payment" and
    "eFact": status pages name a service by either part."""
    keys = [_key(name)]
    if "(" in name and name.rstrip().endswith(")"):
        outside, _, inside = name.rstrip()[:-1].partition("(")
        keys += [_key(outside), _key(inside)]
    return [key for key in keys if key]


@dataclass(frozen=True)
class ServiceCatalogue:
    """The services an import may name: by slug, or (Statuspage, iCalendar) by a name in
    any of the three languages (or its part in brackets, such as "eFact"), ignoring case,
    spaces and punctuation."""

    slugs: frozenset[str]
    by_name: dict[str, str] = field(default_factory=dict)

    @classmethod
    def build(cls, services: Iterable[tuple[str, ...]]) -> ServiceCatalogue:
        """``services``: tuples ``(slug, name, name, ...)``."""
        slugs: set[str] = set()
        by_name: dict[str, str] = {}
        for slug, *names in services:
            slugs.add(slug)
            for name in names:
                for key in _name_keys(name or ""):
                    by_name.setdefault(key, slug)
        # A slug always wins over another service's name that happens to spell it.
        for slug in slugs:
            by_name[_key(slug)] = slug
        return cls(frozenset(slugs), by_name)

    def slug(self, text: str) -> str | None:
        """The slug ``text`` spells, ignoring case (``Recip-e`` → ``recip-e``)."""
        candidate = text.strip().lower()
        return candidate if candidate in self.slugs else None

    def match(self, text: str) -> str | None:
        """The slug of the service ``text`` names by slug or by name, ignoring case."""
        return self.by_name.get(_key(text))
