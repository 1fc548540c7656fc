"""Turns a stored file that failed its check, anywhere in a view, into a clear page for the
user and an alert for the administrators, instead of a bare "Server Error (500)"."""

from filestore.downloads import integrity_error_page
from filestore.storage import StoredFileIntegrityError


class StoredFileIntegrityMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, StoredFileIntegrityError):
            return integrity_error_page(request, exception)
        return None
