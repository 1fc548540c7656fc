"""Pages of the site itself rather than of one app."""

from django.conf import settings
from django.shortcuts import render


def accessibility_statement(request):
    # Public: a person who cannot log in because of a barrier must still read how to report it.
    return render(request, "pages/accessibility.html", {"contact_email": settings.CONTACT_EMAIL})
