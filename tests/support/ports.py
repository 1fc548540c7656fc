"""Loopback ports for the servers the tests start (SMTP, TSA, gunicorn, SeaweedFS)."""

from __future__ import annotations

import socket


def free_port() -> int:
    """A loopback port free right now (the OS picks it; the caller binds it soon after)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
