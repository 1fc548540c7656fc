"""Helpers to read what the loopback SMTP server received (fixtures in conftest.py)."""

SITE = "https://claims.example.org"


def text_of(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def html_of(message) -> str:
    return message.get_body(preferencelist=("html",)).get_content()
