"""The hash chain of the observation log (pure).

Each entry's SHA-256 covers its own fields and the previous entry's SHA-256, so changing,
inserting or removing an entry changes every hash after it.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime

GENESIS = "0" * 64
CHAINED_FIELDS = (
    "sequence",
    "kind",
    "received_at",
    "component_name",
    "component_id",
    "status",
    "previous_status",
    "gap_start",
    "gap_end",
    "response_sha256",
    "previous_hash",
)


def _plain(value):
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat(timespec="microseconds")
    return value


def entry_hash(fields: dict) -> str:
    canonical = json.dumps(
        {name: _plain(fields.get(name)) for name in CHAINED_FIELDS},
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def first_broken(entries) -> tuple[int, str] | None:
    """``(sequence, reason)`` of the first entry that breaks the chain, or ``None``.
    ``entries``: dicts of ``CHAINED_FIELDS`` plus ``entry_hash``, in sequence order."""
    previous = GENESIS
    expected_sequence = 1
    for entry in entries:
        if entry["sequence"] != expected_sequence:
            return entry["sequence"], f"expected entry #{expected_sequence} (one is missing)"
        if entry["previous_hash"] != previous:
            return entry["sequence"], "its previous-entry hash does not match"
        if entry_hash(entry) != entry["entry_hash"]:
            return entry["sequence"], "its content does not match its hash"
        previous = entry["entry_hash"]
        expected_sequence += 1
    return None
