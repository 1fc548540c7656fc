from accounts.permissions import is_admin, is_reviewer


def roles(request):
    """What the navbar needs to show each role its own entries."""
    user = request.user
    return {
        "is_doctor": user.is_authenticated and hasattr(user, "doctor"),
        "is_reviewer": is_reviewer(user),
        "is_admin": is_admin(user),
    }
