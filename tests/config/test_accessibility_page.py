"""The accessibility statement: public, linked from every page's footer, in each language,
with the address the CONTACT_EMAIL setting gives."""

import pytest

pytestmark = pytest.mark.django_db


def test_it_is_public_and_says_what_is_tested_the_limits_and_how_to_report(client, settings):
    settings.CONTACT_EMAIL = "a11y@example.org"
    response = client.get("/accessibility/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    body = response.content.decode()
    for heading in ["What is tested", "Known limits", "Report a problem"]:
        assert heading in body
    assert 'href="mailto:a11y@example.org' in body
    assert "axe-core" in body


@pytest.mark.parametrize(
    ("language", "title"),
    [("fr", "Déclaration d"), ("nl", "Toegankelijkheidsverklaring")],
)
def test_it_speaks_the_visitors_language(client, language, title):
    client.cookies["django_language"] = language
    body = client.get("/accessibility/").content.decode()
    assert title in body
    assert f'<html lang="{language}"' in body


def test_every_page_links_to_it_from_the_footer(client):
    for url in ["/", "/outages/", "/methodology/", "/account/login/"]:
        body = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
        footer = body[body.index("<footer") :]
        assert 'href="/accessibility/"' in footer, url
