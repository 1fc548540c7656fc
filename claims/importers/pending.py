"""A doctor's uploaded file waiting between its preview and "Confirm".

The toolkit's one pending-preview mechanism (``importkit.pending``, its retention
included), in a folder of the doctor; the token stays in the preview page's form.
Confirming reads the file again and re-checks every row, so what is written is exactly
what the rules allow at that moment.
"""

from __future__ import annotations

from importkit.pending import (
    pending_name,
    pending_purge,
    pending_read,
    pending_remove,
    pending_store,
    pending_token,
)


def _folder(owner: str) -> str:
    return f"imports/pending/{owner}"


def _name(owner: str, kind: str, token: str) -> str | None:
    return pending_name(_folder(owner), token, prefix=f"{kind}-", suffix=".csv")


def pending_save(*, owner: str, kind: str, data: bytes) -> str:
    pending_purge(_folder(owner))
    token = pending_token()
    pending_store(_name(owner, kind, token), data)
    return token


def pending_load(*, owner: str, kind: str, token: str) -> bytes | None:
    return pending_read(_name(owner, kind, token))


def pending_delete(*, owner: str, kind: str, token: str) -> None:
    pending_remove(_name(owner, kind, token))
