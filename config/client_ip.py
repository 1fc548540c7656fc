"""The client's IP address behind ``PROXY_COUNT`` proxies, for login throttling.

django-axes locks a (username, IP) pair. Behind nginx every request comes from the
proxy's address, so without this one person's wrong passwords from anywhere would lock
that e-mail address for everyone (issue 11, point 3). Each proxy appends the address it
received the request from to ``X-Forwarded-For``, and the last proxy is ``REMOTE_ADDR``:
the client is the address the outermost of our proxies saw, ``PROXY_COUNT`` places from
the right of that chain. Anything to its left was written by the client and is not
trusted. python-ipware parses and validates the addresses.
"""

from __future__ import annotations

from functools import cache

from django.conf import settings
from python_ipware import IpWare


@cache
def _ipware(proxy_count: int) -> IpWare:
    return IpWare(precedence=("HTTP_X_FORWARDED_FOR",), proxy_count=proxy_count, leftmost=True)


def client_ip(request) -> str | None:
    remote_addr = request.META.get("REMOTE_ADDR")
    proxy_count = settings.PROXY_COUNT
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxy_count <= 0 or not forwarded.strip():
        return remote_addr
    # ipware counts the proxies' own addresses inside the header: the last one (ours,
    # REMOTE_ADDR) is not there, so put it back at the end of the chain.
    chain = f"{forwarded}, {remote_addr}" if remote_addr else forwarded
    address, _trusted = _ipware(proxy_count).get_client_ip(
        {"HTTP_X_FORWARDED_FOR": chain}, strict=False
    )
    return str(address) if address is not None else remote_addr
