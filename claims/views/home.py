from django.shortcuts import render

from claims.views.dashboard import dashboard


def home(request):
    """The landing page: what the app does and what a doctor should prepare; a logged-in
    doctor lands on their dashboard instead."""
    if request.user.is_authenticated and hasattr(request.user, "doctor"):
        return dashboard(request)
    return render(request, "home.html")
