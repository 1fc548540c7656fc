from django.conf import settings
from django.utils import translation


class UserLanguageMiddleware:
    """Speak a logged-in user's language unless they picked one with the switcher.

    LocaleMiddleware has already chosen from the cookie or the browser; a user's
    saved language wins over the browser's, but not over an explicit choice.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and settings.LANGUAGE_COOKIE_NAME not in request.COOKIES
        ):
            translation.activate(user.language)
            request.LANGUAGE_CODE = user.language
        return self.get_response(request)
