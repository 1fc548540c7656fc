"""The public page ``/verify/``: upload a PDF, read the verdict. Nothing is stored."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.shortcuts import render
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from claims.verification.service import dossier_verify
from claims.verification.throttle import verify_allowed

TOO_LARGE = _("This file is larger than %(limit)s: no dossier is that large.")
TOO_MANY = _(
    "Too many files checked from your address in the last minute. Wait a minute and try again."
)


class VerifyForm(forms.Form):
    file = forms.FileField(label=_("Dossier (PDF)"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > settings.VERIFY_MAX_BYTES:
            raise forms.ValidationError(
                TOO_LARGE, params={"limit": filesizeformat(settings.VERIFY_MAX_BYTES)}
            )
        return upload


def _declared_too_large(request) -> bool:
    # Refused before Django reads the body into memory or a temporary file.
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return False
    return length > settings.VERIFY_MAX_BYTES + 64 * 1024


@require_http_methods(["GET", "POST"])
def verify_page(request):
    ctx = {"max_bytes": settings.VERIFY_MAX_BYTES, "result": None}
    status = 200
    if request.method != "POST":
        ctx["form"] = VerifyForm()
    elif _declared_too_large(request):
        ctx["form"] = VerifyForm()
        ctx["error"] = TOO_LARGE % {"limit": filesizeformat(settings.VERIFY_MAX_BYTES)}
        status = 413
    elif not verify_allowed(request):
        ctx["form"] = VerifyForm()
        ctx["error"] = TOO_MANY
        status = 429
    else:
        form = VerifyForm(request.POST, request.FILES)
        ctx["form"] = form
        if form.is_valid():
            content = form.cleaned_data["file"].read()
            ctx["result"] = dossier_verify(content=content, user=request.user)
    return render(request, "verification/verify.html", ctx, status=status)
