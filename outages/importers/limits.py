"""Bounds on what an outage file may hold (README, "Hardening"; issue 11, points 1 and 5).

Every parser reads in linear time and refuses, with a message, a file beyond these
bounds before building rows from it: a line longer than IMPORT_MAX_LINE_CHARS, more
columns than IMPORT_MAX_COLUMNS, more rows than IMPORT_MAX_OUTAGE_ROWS, more events than
IMPORT_MAX_ICS_EVENTS, JSON nested deeper than IMPORT_MAX_JSON_DEPTH.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.utils.translation import gettext as _

# The bounds every CSV import shares (line length, columns) are the toolkit's.
from importkit.csvread import LimitError

__all__ = ["LimitError", "check_json_depth", "max_rows", "too_many_rows"]


def max_rows() -> int:
    return settings.IMPORT_MAX_OUTAGE_ROWS


def too_many_rows(line: int | None = None) -> LimitError:
    return LimitError(
        _("The file has more than %(max)s incidents: split it into several files.")
        % {"max": max_rows()},
        line,
    )


_JSON_TOKENS = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]')


def check_json_depth(text: str) -> None:
    """Refuse JSON nested deeper than IMPORT_MAX_JSON_DEPTH before ``json.loads`` (which
    recurses and fails with RecursionError): one pass over the brackets, no recursion,
    strings skipped whole."""
    limit = settings.IMPORT_MAX_JSON_DEPTH
    depth = 0
    for match in _JSON_TOKENS.finditer(text):
        token = match.group()
        if token in "[{":
            depth += 1
            if depth > limit:
                raise LimitError(
                    _(
                        "The JSON is nested more than %(max)s levels deep: this is not a "
                        "Statuspage incidents file."
                    )
                    % {"max": limit},
                    text.count("\n", 0, match.start()) + 1,
                )
        elif token in "]}":
            depth -= 1
