"""A minimal HTTP client for live servers on loopback (the cluster test, the capacity
script): cookies, Django's CSRF token, form posts and file uploads, with the standard
library only. Cookies are per host, not per port, so one ``Browser`` keeps its session
across app servers on 127.0.0.1, as a browser behind one load balancer would."""

from __future__ import annotations

import http.cookiejar
import json
import secrets
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass


@dataclass
class Reply:
    status: int
    body: bytes
    headers: dict
    url: str

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")

    def json(self):
        return json.loads(self.body)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    def __init__(self, language: str = "en", timeout: float = 60):
        self.cookies = http.cookiejar.CookieJar()
        self.language = language
        self.timeout = timeout
        self._opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.cookies), _NoRedirect
        )

    def _cookie(self, name: str) -> str:
        return next((c.value for c in self.cookies if c.name == name), "")

    def request(self, url: str, *, data: bytes | None = None, headers=None) -> Reply:
        headers = {"Accept-Language": self.language, **(headers or {})}
        if data is not None:
            headers.setdefault("Referer", url)
            headers["X-CSRFToken"] = self._cookie("csrftoken")
        req = urllib.request.Request(url, data=data, headers=headers)  # noqa: S310 (loopback)
        try:
            with self._opener.open(req, timeout=self.timeout) as response:
                return Reply(response.status, response.read(), dict(response.headers), url)
        except urllib.error.HTTPError as error:
            return Reply(error.code, error.read(), dict(error.headers), url)

    def get(self, url: str) -> Reply:
        return self.request(url)

    def _ensure_csrf(self, url: str) -> str:
        if not self._cookie("csrftoken"):
            self.get(url)
        return self._cookie("csrftoken")

    def post(self, url: str, fields: dict | list | None = None, *, csrf_from: str = "") -> Reply:
        token = self._ensure_csrf(csrf_from or url)
        pairs = list(fields.items()) if isinstance(fields, dict) else list(fields or [])
        pairs.append(("csrfmiddlewaretoken", token))
        body = urllib.parse.urlencode(pairs).encode()
        return self.request(
            url, data=body, headers={"Content-Type": "application/x-www-form-urlencoded"}
        )

    def upload(self, url: str, fields: dict, file_field: str, file_name: str, content: bytes):
        token = self._ensure_csrf(url)
        boundary = secrets.token_hex(16)
        parts = []
        for name, value in [*fields.items(), ("csrfmiddlewaretoken", token)]:
            parts.append(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
                f"{value}\r\n".encode()
            )
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{file_field}"; '
            f'filename="{file_name}"\r\nContent-Type: application/octet-stream\r\n\r\n'.encode()
            + content
            + b"\r\n"
        )
        parts.append(f"--{boundary}--\r\n".encode())
        return self.request(
            url,
            data=b"".join(parts),
            headers={"Content-Type": f"multipart/form-data; boundary={boundary}"},
        )

    def login(self, base: str, email: str, password: str) -> Reply:
        return self.post(
            f"{base}/account/login/",
            {"username": email, "password": password},
            csrf_from=f"{base}/account/login/",
        )
