from django.shortcuts import render

from accounts.permissions import doctor_required
from claims.forms.claims import WeekForm
from claims.models import Methodology
from claims.selectors import default_week, week_view


@doctor_required
def week(request):
    """The doctor's week drawn over the official incidents (``?week=2024-W03``)."""
    doctor = request.user.doctor
    form = WeekForm(request.GET if "week" in request.GET else None)
    monday = form.cleaned_data["week"] if form.is_bound and form.is_valid() else None
    if monday is None:
        monday = default_week(doctor=doctor)
    try:
        view = week_view(doctor=doctor, monday=monday)
    except Methodology.DoesNotExist:
        return render(request, "claims/no_methodology.html", status=503)
    return render(request, "claims/week.html", {"week": view, "form": form})
