"""Uploads per minute per IP address for ``/verify/``, counted in Django's cache.

Verifying a PDF costs a parse and a few signature checks: a visitor may check a handful of
files, a script may not keep the server busy. The window is the current minute; the
client's address is the one django-axes sees (``PROXY_COUNT`` proxies skipped).
"""

from __future__ import annotations

import time

from axes.helpers import get_client_ip_address
from django.conf import settings
from django.core.cache import cache

WINDOW_SECONDS = 60


def verify_allowed(request) -> bool:
    """Counts this attempt; False once the address has used its attempts this minute."""
    address = get_client_ip_address(request) or "unknown"
    window = int(time.time() // WINDOW_SECONDS)
    key = f"verify:{address}:{window}"
    # add() is atomic: the first attempt of the minute creates the counter.
    if cache.add(key, 1, timeout=WINDOW_SECONDS * 2):
        count = 1
    else:
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add() and incr()
            cache.set(key, 1, timeout=WINDOW_SECONDS * 2)
            count = 1
    return count <= settings.VERIFY_PER_MINUTE
