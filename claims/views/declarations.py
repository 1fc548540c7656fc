"""A doctor's slots and consultations: lists per period, add, edit, delete.

Every object is looked up inside ``request.user.doctor``'s own rows, so another doctor's
slot or consultation answers 404 on every URL.
"""

from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from accounts.permissions import doctor_required
from claims.forms.declarations import ConsultationForm, SlotForm
from claims.models import AffectedSlot, Consultation
from claims.selectors import (
    consultation_list,
    fee_table,
    last_used_services,
    locked_period_for,
    locked_periods,
    month_bounds,
    nomenclature_fee_on,
    slot_list,
)
from claims.services.declarations import (
    consultation_create,
    consultation_delete,
    consultation_update,
    slot_create,
    slot_delete,
    slot_update,
    unknown_code_with_fee_warning,
)
from claims.views.periods import page_period
from outages.intervals import BRUSSELS


def _list_url(name: str, moment) -> str:
    """The list of the month holding ``moment``, where the doctor sees what they saved."""
    first, last = month_bounds(moment.astimezone(BRUSSELS).date())
    return f"{reverse(name)}?from={first.isoformat()}&to={last.isoformat()}"


def _warn_unknown_code(request, consultation) -> None:
    """A fee typed for a code the nomenclature lacks is kept, with a word to check it
    (the CSV preview says the same, row by row)."""
    day = consultation.start.astimezone(BRUSSELS).date()
    if nomenclature_fee_on(code=consultation.code, day=day) is None:
        messages.warning(
            request, unknown_code_with_fee_warning(consultation.code, consultation.start)
        )


def _save(form, service, **kwargs):
    """Run a write service on a valid form; its rule errors go back next to the fields."""
    try:
        return service(**kwargs, **form.cleaned_data)
    except ValidationError as error:
        form.add_error(None, error)
        return None


# --- slots --------------------------------------------------------------------------------------


@doctor_required
def slots(request):
    doctor = request.user.doctor
    period = page_period(request, doctor)
    rows = list(slot_list(doctor=doctor, first_day=period.first_day, last_day=period.last_day))
    locked = locked_periods(doctor=doctor)
    return render(
        request,
        "claims/slot_list.html",
        {
            "period": period,
            "rows": [(slot, locked_period_for(slot.start, locked)) for slot in rows],
        },
    )


@doctor_required
@require_http_methods(["GET", "POST"])
def slot_add(request):
    doctor = request.user.doctor
    initial = {"services": last_used_services(doctor=doctor, model=AffectedSlot)}
    # "Save and add another" comes back with ?after=<the slot just saved>: the next slot
    # most often follows it on the same day, with the same services. The page says what
    # it kept, so a service ticked for the previous slot is not kept silently.
    previous = _previous_slot(request, doctor)
    if previous is not None:
        initial.update(
            start=previous.next_start,
            end=previous.next_end_guess,
            services=list(previous.services.all()),
        )
    form = SlotForm(request.POST or None, initial=initial, adding=True)
    if request.method == "POST" and form.is_valid():
        slot = _save(form, slot_create, doctor=doctor)
        if slot is not None:
            messages.success(request, _("The slot is saved."))
            if "add_another" in request.POST:
                return redirect(f"{reverse('claims:slot_add')}?after={slot.pk}")
            return redirect(_list_url("claims:slots", slot.start))
    ctx = {"form": form, "slot": None, "previous": previous if request.method == "GET" else None}
    return render(request, "claims/slot_form.html", ctx)


def _previous_slot(request, doctor):
    after = request.GET.get("after", "")
    if not after.isdigit() or len(after) > 18:
        return None
    slot = (
        AffectedSlot.objects.filter(doctor=doctor, pk=int(after))
        .prefetch_related("services")
        .first()
    )
    if slot is None:
        return None
    # The next slot starts where this one ended and, as a first guess, lasts as long,
    # without running into the next day.
    slot.next_start = slot.end
    local_end = slot.end.astimezone(BRUSSELS)
    midnight = (local_end + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    slot.next_end_guess = min(slot.end + (slot.end - slot.start), midnight - timedelta(minutes=1))
    return slot


@doctor_required
@require_http_methods(["GET", "POST"])
def slot_edit(request, pk):
    slot = get_object_or_404(AffectedSlot, pk=pk, doctor=request.user.doctor)
    form = SlotForm(
        request.POST or None,
        initial={
            "start": slot.start,
            "end": slot.end,
            "services": list(slot.services.all()),
            "note": slot.note,
        },
    )
    if request.method == "POST" and form.is_valid():
        if _save(form, slot_update, slot=slot) is not None:
            messages.success(request, _("The slot is saved."))
            return redirect(_list_url("claims:slots", slot.start))
    locked = locked_period_for(slot.start, locked_periods(doctor=request.user.doctor))
    return render(request, "claims/slot_form.html", {"form": form, "slot": slot, "locked": locked})


@doctor_required
@require_http_methods(["GET", "POST"])
def slot_remove(request, pk):
    slot = get_object_or_404(AffectedSlot, pk=pk, doctor=request.user.doctor)
    error = None
    if request.method == "POST":
        try:
            slot_delete(slot=slot)
        except ValidationError as exc:
            error = exc.messages[0]
        else:
            messages.success(request, _("The slot is deleted."))
            return redirect(_list_url("claims:slots", slot.start))
    return render(
        request,
        "claims/confirm_delete.html",
        {"object": slot, "kind": "slot", "error": error, "cancel": "claims:slots"},
    )


# --- consultations ------------------------------------------------------------------------------


@doctor_required
def consultations(request):
    doctor = request.user.doctor
    period = page_period(request, doctor)
    rows = list(
        consultation_list(doctor=doctor, first_day=period.first_day, last_day=period.last_day)
    )
    locked = locked_periods(doctor=doctor)
    return render(
        request,
        "claims/consultation_list.html",
        {
            "period": period,
            "rows": [(c, locked_period_for(c.start, locked)) for c in rows],
            "total_fees": sum((c.fee for c in rows), start=0),
        },
    )


def _consultation_form_page(request, form, consultation, continued_from=None):
    return render(
        request,
        "claims/consultation_form.html",
        {
            "form": form,
            "consultation": consultation,
            "continued_from": continued_from,
            "fees": fee_table().as_json(),
            "locked": (
                locked_period_for(consultation.start, locked_periods(doctor=request.user.doctor))
                if consultation
                else None
            ),
        },
    )


@doctor_required
@require_http_methods(["GET", "POST"])
def consultation_add(request):
    doctor = request.user.doctor
    initial = {"services": last_used_services(doctor=doctor, model=Consultation)}
    latest = Consultation.objects.filter(doctor=doctor).order_by("-created_at", "-id").first()
    if latest is not None:
        # Agendas are typed in order: the next consultation most often starts where the
        # last one ended, with the same code and length.
        initial.update(
            start=latest.start + timedelta(minutes=latest.duration_minutes),
            duration_minutes=latest.duration_minutes,
            code=latest.code,
        )
    form = ConsultationForm(request.POST or None, initial=initial, adding=True)
    if request.method == "POST" and form.is_valid():
        consultation = _save(form, consultation_create, doctor=doctor)
        if consultation is not None:
            messages.success(request, _("The consultation is saved."))
            _warn_unknown_code(request, consultation)
            if "add_another" in request.POST:
                return redirect("claims:consultation_add")
            return redirect(_list_url("claims:consultations", consultation.start))
    # Say what the form took from the last consultation, so nothing is kept silently.
    shown = latest if request.method == "GET" else None
    return _consultation_form_page(request, form, None, continued_from=shown)


@doctor_required
@require_http_methods(["GET", "POST"])
def consultation_edit(request, pk):
    consultation = get_object_or_404(Consultation, pk=pk, doctor=request.user.doctor)
    form = ConsultationForm(
        request.POST or None,
        initial={
            "start": consultation.start,
            "duration_minutes": consultation.duration_minutes,
            "code": consultation.code,
            "fee": consultation.fee,
            "services": list(consultation.services.all()),
            "outcome": consultation.outcome,
        },
    )
    if request.method == "POST" and form.is_valid():
        if _save(form, consultation_update, consultation=consultation) is not None:
            messages.success(request, _("The consultation is saved."))
            consultation.refresh_from_db(fields=["code", "start"])
            _warn_unknown_code(request, consultation)
            return redirect(_list_url("claims:consultations", consultation.start))
    return _consultation_form_page(request, form, consultation)


@doctor_required
@require_http_methods(["GET", "POST"])
def consultation_remove(request, pk):
    consultation = get_object_or_404(Consultation, pk=pk, doctor=request.user.doctor)
    error = None
    if request.method == "POST":
        try:
            consultation_delete(consultation=consultation)
        except ValidationError as exc:
            error = exc.messages[0]
        else:
            messages.success(request, _("The consultation is deleted."))
            return redirect(_list_url("claims:consultations", consultation.start))
    return render(
        request,
        "claims/confirm_delete.html",
        {
            "object": consultation,
            "kind": "consultation",
            "error": error,
            "cancel": "claims:consultations",
        },
    )
