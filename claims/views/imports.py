"""CSV uploads of a doctor's slots and consultations: upload, preview, confirm.

The same engine as the ``import_slots`` / ``import_consultations`` commands: nothing is
written until the doctor confirms a preview without errors, and the confirmation reads
the file again and re-checks every row.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.permissions import doctor_required
from claims.forms.imports import ConfirmForm, UploadForm
from claims.importers.consultations import consultations_preview
from claims.importers.pending import pending_delete, pending_load, pending_save
from claims.importers.slots import slots_preview
from claims.importers.templates import csv_template
from outages.models import Service

KINDS = {
    "slots": {
        "preview": slots_preview,
        "list": "claims:slots",
        "title": gettext_lazy("Import affected time slots"),
        "example": "start,end,services,note\n"
        "2024-01-15T07:30,2024-01-15T10:00,recip-e,waiting for Recip-e\n",
    },
    "consultations": {
        "preview": consultations_preview,
        "list": "claims:consultations",
        "title": gettext_lazy("Import consultations"),
        "example": "start,duration_minutes,code,fee,services,outcome\n"
        "2024-01-15T09:40,20,101076,31.81,recip-e;mycarenet,cancelled\n",
    },
}


def _owner(request) -> str:
    return f"doctor-{request.user.doctor.pk}"


@doctor_required
@require_http_methods(["GET", "POST"])
def import_file(request, kind):
    if kind not in KINDS:
        raise Http404
    config = KINDS[kind]
    doctor = request.user.doctor
    context = {"kind": kind, "config": config, "title": config["title"]}

    if request.method == "POST" and "token" in request.POST:
        confirm = ConfirmForm(request.POST)
        data = None
        if confirm.is_valid():
            token = confirm.cleaned_data["token"]
            data = pending_load(owner=_owner(request), kind=kind, token=token)
        if data is None:
            messages.error(request, _("This preview has expired: upload the file again."))
            return redirect("claims:import", kind=kind)
        preview = config["preview"](doctor=doctor, data=data)
        if preview.is_valid:
            try:
                preview.apply()
            except ValidationError as error:
                for message in error.messages:
                    messages.error(request, message)
                return redirect(config["list"])
            pending_delete(owner=_owner(request), kind=kind, token=token)
            messages.success(
                request,
                _("Imported: %(created)s new, %(updated)s changed, %(unchanged)s unchanged.")
                % {
                    "created": preview.created,
                    "updated": preview.updated,
                    "unchanged": preview.unchanged,
                },
            )
            return redirect(config["list"])
        # Something changed since the preview (a claim was submitted meanwhile…).
        context.update(preview=preview, form=UploadForm())
        return render(request, "claims/import.html", context)

    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data["file"].read()
        preview = config["preview"](doctor=doctor, data=data)
        context["preview"] = preview
        context["file_name"] = form.cleaned_data["file"].name
        if preview.is_valid:
            context["confirm"] = ConfirmForm(
                initial={"token": pending_save(owner=_owner(request), kind=kind, data=data)}
            )
        form = UploadForm()
    context["form"] = form
    return render(request, "claims/import.html", context)


#: File names of the templates, in each language (what a doctor sees in Downloads).
TEMPLATE_NAMES = {
    "slots": {"fr": "plages", "nl": "tijdvakken", "en": "slots"},
    "consultations": {"fr": "consultations", "nl": "consultaties", "en": "consultations"},
}


@doctor_required
def import_template(request, kind):
    """A CSV template to fill in, in the doctor's language (``claims.importers.templates``)."""
    if kind not in KINDS:
        raise Http404
    language = (get_language() or "fr")[:2]
    services = list(Service.objects.filter(slug="recip-e"))
    body = csv_template(kind, language=language, services=services)
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    name = TEMPLATE_NAMES[kind].get(language, kind)
    response["Content-Disposition"] = f'attachment; filename="{name}-template.csv"'
    return response
