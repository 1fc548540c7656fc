"""Which rows point to stored files: ``settings.FILESTORE_REFERENCES`` lists, per model,
its file field and the field holding that file's SHA-256. The storage check reads it, so
that a new kind of stored file is one line of settings, not a change here."""

from __future__ import annotations

from django.apps import apps
from django.conf import settings

#: Temporary uploads between a preview and its confirmation: they expire on their own.
TRANSIENT_FOLDERS = ("imports/pending/",)


def referenced_files() -> dict[str, tuple[str, list[str]]]:
    """``{name: (sha256, ["app.Model #pk", ...])}`` for every stored file a row names."""
    found: dict[str, tuple[str, list[str]]] = {}
    for model_label, file_field, sha_field in settings.FILESTORE_REFERENCES:
        model = apps.get_model(model_label)
        rows = (
            model._default_manager.exclude(**{file_field: ""})
            .values_list("pk", file_field, sha_field)
            .iterator(chunk_size=2000)
        )
        for pk, name, sha256 in rows:
            sha, owners = found.setdefault(name, (sha256, []))
            owners.append(f"{model_label} #{pk}")
    return found
