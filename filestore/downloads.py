"""Downloads of stored files: streamed from the storage, and checked against their SHA-256
every time, so that an altered or missing file is never sent as if it were the evidence."""

from __future__ import annotations

import logging

from django.core.mail import mail_admins
from django.http import FileResponse
from django.shortcuts import render

from filestore.storage import StoredFileIntegrityError, open_verified

logger = logging.getLogger("filestore")


def verified_file_response(
    *, name: str, sha256: str, filename: str, content_type: str
) -> FileResponse:
    """An attachment with exactly the stored bytes; raises ``StoredFileIntegrityError``
    (turned into a clear page by ``filestore.middleware``) when they do not match."""
    checked = open_verified(name, sha256)
    response = FileResponse(
        checked, as_attachment=True, filename=filename, content_type=content_type
    )
    # Stored files hold doctors' figures: never kept by a shared cache or proxy.
    response["Cache-Control"] = "private, no-store"
    return response


def alert_integrity_error(error: StoredFileIntegrityError, *, path: str = "") -> None:
    """Tell the administrators at once: a stored file changed or vanished (log + e-mail)."""
    logger.error("Stored file integrity failure at %s: %s", path or "-", error)
    mail_admins(
        "Stored file failed its SHA-256 check",
        (
            f"Request: {path or '-'}\nFile: {error.name}\nExpected SHA-256: {error.expected}\n"
            f"Found: {error.actual or 'missing'}\n\n"
            "Run `python manage.py storage_check` and restore the file from the backup."
        ),
        fail_silently=True,
    )


def integrity_error_page(request, error: StoredFileIntegrityError):
    alert_integrity_error(error, path=request.path)
    response = render(request, "filestore/integrity_error.html", status=500)
    # Already logged and mailed with the file's details above: Django's generic
    # "Internal Server Error" log (and its own e-mail to the admins) would be a duplicate.
    response._has_been_logged = True
    return response
