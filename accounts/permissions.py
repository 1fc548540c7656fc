"""Who may do what (interfaces.md, "People and what they may do")."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.http import Http404

# The legal team's group (created by claims/migrations/0003_reference_data.py);
# other apps import it from here.
REVIEWERS_GROUP = "reviewers"


def is_reviewer(user) -> bool:
    if not user.is_authenticated:
        return False
    cached = getattr(user, "_is_reviewer", None)
    if cached is None:
        cached = user.is_superuser or user.groups.filter(name=REVIEWERS_GROUP).exists()
        user._is_reviewer = cached
    return cached


def is_admin(user) -> bool:
    return user.is_authenticated and user.is_superuser


def doctor_required(view):
    """Logged in with a doctor profile; others get 404 so the URL reveals nothing."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not hasattr(request.user, "doctor"):
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper


def reviewer_required(view):
    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not is_reviewer(request.user):
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper


def admin_required(view):
    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not is_admin(request.user):
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper
