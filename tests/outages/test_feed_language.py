"""The feed speaks the language of the page that links to it: a calendar program sends no
language of its own, so an English page's subscription was named in French."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def _feed_link(client, language):
    client.cookies["django_language"] = language
    response = client.get(reverse("outages:calendar"))
    return response.context["feed_url"]


@pytest.mark.parametrize(
    ("language", "name"),
    [
        ("en", "X-WR-CALNAME:Official eHealth incidents"),
        ("nl", "X-WR-CALNAME:Officiële eHealth-incidenten"),
    ],
)
def test_the_calendar_links_a_feed_named_in_the_pages_language(client, language, name):
    link = _feed_link(client, language)
    assert f"lang={language}" in link
    # The program fetching it has no cookie and no Accept-Language.
    client.cookies.clear()
    body = client.get(link).content.decode()
    assert name in body
    assert "Incidents eHealth officiels" not in body


def test_a_feed_without_language_stays_in_the_default_language(client):
    body = client.get(reverse("outages:feed"), {"lang": "xx"}).content.decode()
    assert "X-WR-CALNAME:" in body
