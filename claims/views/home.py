from django.shortcuts import render


def home(request):
    """The landing page: what the app does and what a doctor should prepare."""
    return render(request, "home.html")
