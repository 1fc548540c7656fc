from django.shortcuts import render

from accounts.permissions import doctor_required
from claims.selectors import NextStep, doctor_dashboard


@doctor_required
def dashboard(request):
    """A doctor's first screen: what they lost in the current claim, and what to do next."""
    board = doctor_dashboard(doctor=request.user.doctor)
    query = f"from={board.first_day.isoformat()}&to={board.last_day.isoformat()}"
    return render(
        request,
        "claims/dashboard.html",
        {"board": board, "steps": NextStep, "query": query},
    )
