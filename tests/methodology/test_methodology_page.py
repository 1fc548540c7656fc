"""The public methodology page: rules with stable anchors, every published version with
its parameters and the worked example computed under it, in French, Dutch and English."""

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.urls import reverse
from dossier_example import worked_example_claim

from claims.calculation import claim_summary_dict
from claims.dossier.data import dossier_data
from claims.dossier.render import dossier_html
from claims.models import Methodology
from claims.selectors import methodology_params
from claims.services.claims import claim_get_or_create_draft
from methodology.worked_example import FIRST_DAY, LAST_DAY, worked_example

pytestmark = pytest.mark.django_db

URL = "/methodology/"
EXPECTED_SUMMARY = json.loads(
    (
        Path(__file__).resolve().parents[2]
        / "docs"
        / "examples"
        / "worked-example"
        / "expected-claim-summary.json"
    ).read_text(encoding="utf-8")
)


def page(client, language: str) -> str:
    client.cookies["django_language"] = language
    response = client.get(URL)
    assert response.status_code == 200
    return response.content.decode()


def test_anyone_reads_it_without_logging_in(client):
    assert reverse("methodology:page") == URL
    text = page(client, "en")
    assert "How a claim is computed" in text
    assert "302.42 €" in text  # the worked example's total, computed by the calculation


@pytest.mark.parametrize(
    ("language", "title", "total", "published"),
    [
        ("fr", "Comment une demande est calculée", "302,42 €", "1 février 2024"),
        ("nl", "Hoe een claim wordt berekend", "302,42 €", "1 februari 2024"),
        ("en", "How a claim is computed", "302.42 €", "1 February 2024"),
    ],
)
def test_it_reads_in_each_language_with_day_first_dates(client, language, title, total, published):
    text = page(client, language)
    assert f'<html lang="{language}">' in text
    assert title in text
    assert total in text
    assert published in text


def test_every_rule_has_a_stable_anchor(client):
    text = page(client, "en")
    for number in range(1, 13):
        assert f'id="rule-{number}"' in text
    assert "Intervals are half-open" in text  # rule 12's text


def test_each_published_version_has_its_section_parameters_and_example(client):
    Methodology.objects.create(
        version="ABSyM-2025.1",
        published_on=date(2025, 3, 1),
        hourly_rate=Decimal("60.00"),
    )
    text = page(client, "en")
    assert 'id="version-absym-2024-1"' in text
    assert 'id="version-absym-2025-1"' in text
    assert "1 March 2025" in text and "60.00 €" in text
    # The same example under 60 EUR an hour: 156 min → 156.00, plus the fees 68.42.
    assert "224.42 €" in text
    # The older version keeps its own figures.
    assert "302.42 €" in text


def test_a_draft_version_is_not_published_on_the_page(client):
    Methodology.objects.create(version="ABSyM-DRAFT", published_on=None)
    assert "ABSyM-DRAFT" not in page(client, "en")


def test_it_makes_a_constant_number_of_queries(client, django_assert_max_num_queries):
    with django_assert_max_num_queries(2):
        page(client, "en")
    for number in range(5):
        Methodology.objects.create(version=f"V-{number}", published_on=date(2025, 1, 1 + number))
    with django_assert_max_num_queries(2):
        page(client, "en")


def test_the_worked_example_module_gives_the_expected_claim_summary():
    params = methodology_params(Methodology.objects.get(version="ABSyM-2024.1"))
    summary = claim_summary_dict(
        worked_example(params), riziv="12345678004", first_day=FIRST_DAY, last_day=LAST_DAY
    )
    assert summary == EXPECTED_SUMMARY


def test_the_landing_page_links_to_it(client):
    client.cookies["django_language"] = "en"
    assert f'href="{URL}"' in client.get("/").content.decode()


def test_the_claim_pages_rules_link_to_their_anchor(doctor_client, doctor):
    claim = worked_example_claim(doctor)
    doctor_client.cookies["django_language"] = "en"
    text = doctor_client.get(f"/claims/{claim.pk}/").content.decode()
    for number in (1, 3, 6, 9, 11, 12):
        assert f'href="{URL}#rule-{number}"' in text


def test_the_dossier_gives_the_methodology_address(doctor, settings):
    settings.SITE_URL = "https://claims.absym.example"
    claim = claim_get_or_create_draft(
        doctor=doctor, first_day=date(2024, 1, 1), last_day=date(2024, 1, 31)
    )
    html = dossier_html(dossier_data(claim=claim))
    assert "https://claims.absym.example/methodology/#version-absym-2024-1" in html
