"""Statuspage incidents.json imports (interfaces.md)."""

import json
from datetime import UTC, datetime

import pytest
from outage_helpers import run_import, slugs_of

from outages.models import Incident

pytestmark = pytest.mark.django_db


def incident(
    id, impact="major", components=("MyCarenet",), resolved="2024-01-15T11:20:00Z", **extra
):
    return {
        "id": id,
        "name": f"Incident {id}",
        "status": "resolved",
        "impact": impact,
        "created_at": "2024-01-15T08:05:00.000+01:00",
        "resolved_at": resolved,
        "shortlink": f"https://stspg.io/{id}",
        "components": [{"id": f"c{n}", "name": name} for n, name in enumerate(components)],
        "incident_updates": [{"body": "We are investigating."}],
        **extra,
    }


def page(*incidents):
    return json.dumps(
        {"page": {"id": "p1", "name": "eHealth status"}, "incidents": list(incidents)}, indent=2
    )


def import_json(text, **kwargs):
    return run_import(text, name="incidents.json", **kwargs)


def test_fields_map_to_the_incident():
    report = import_json(page(incident("abc123")))
    assert report.ok, report.errors
    stored = Incident.objects.get()
    assert stored.reference == "abc123"
    assert stored.title == "Incident abc123"
    assert stored.start == datetime(2024, 1, 15, 7, 5, tzinfo=UTC)
    assert stored.end == datetime(2024, 1, 15, 11, 20, tzinfo=UTC)
    assert stored.source_url == "https://stspg.io/abc123"
    assert stored.status == "confirmed"
    assert slugs_of("abc123") == ["mycarenet"]


@pytest.mark.parametrize(
    ("impact", "expected"),
    [
        ("critical", "major_outage"),
        ("major", "major_outage"),
        ("minor", "partial_outage"),
        ("none", "degraded_performance"),
        ("maintenance", "maintenance"),
    ],
)
def test_the_impact_mapping(impact, expected):
    import_json(page(incident("a1", impact=impact)))
    assert Incident.objects.get().impact == expected


def test_components_match_slugs_and_names_in_any_language_ignoring_case():
    import_json(
        page(
            incident(
                "a1",
                components=("RECIP-E", "verzekerbaarheid (mda)", "Third-party payment (eFact)"),
            )
        )
    )
    assert slugs_of("a1") == ["insurability", "recip-e", "tiers-payant"]


def test_unmatched_components_are_warnings_and_the_incident_is_kept():
    report = import_json(page(incident("a1", components=("MyCarenet", "eBox", "Website"))))
    assert report.ok
    assert report.created == 1
    assert sorted(warning.message for warning in report.warnings) == [
        "The component “Website” matches no service.",
        "The component “eBox” matches no service.",
    ]


def test_an_incident_without_a_known_component_is_skipped_not_refused():
    report = import_json(page(incident("a1"), incident("a2", components=("Website",))))
    assert report.ok
    assert list(Incident.objects.values_list("reference", flat=True)) == ["a1"]
    assert {row.reference: row.fate for row in report.rows} == {"a1": "created", "a2": "skipped"}


def test_an_unresolved_incident_is_ongoing():
    import_json(page(incident("a1", resolved=None)))
    assert Incident.objects.get().end is None


def test_a_bad_impact_is_an_error_on_the_incident_line():
    text = page(incident("a1"), incident("a2", impact="catastrophic"))
    report = import_json(text)
    assert [error.column for error in report.errors] == ["incidents[1].impact"]
    expected_line = text.splitlines().index('      "id": "a2",') + 1
    assert report.errors[0].line == expected_line
    assert Incident.objects.count() == 0


def test_invalid_json_gives_line_and_column():
    report = import_json('{"incidents": [\n  {"id": "a1",}\n]}')
    assert report.errors[0].line == 2
    assert "not valid JSON" in report.errors[0].message


def test_json_that_is_not_a_statuspage_file_is_refused():
    assert not import_json('{"hello": "world"}').ok


def test_a_bare_list_of_incidents_is_accepted():
    assert import_json(json.dumps([incident("a1")])).created == 1


def test_a_second_import_changes_nothing_and_a_resolution_updates():
    import_json(page(incident("a1", resolved=None)))
    assert import_json(page(incident("a1", resolved=None))).unchanged == 1
    report = import_json(page(incident("a1")))
    assert report.updated == 1
    assert Incident.objects.get().end == datetime(2024, 1, 15, 11, 20, tzinfo=UTC)


def test_components_match_names_whatever_their_spacing_and_their_part_in_brackets():
    import_json(
        page(
            incident("a1", components=("Chapter IV", "eFact", "GMD", "eHealth Authentication")),
        )
    )
    assert slugs_of("a1") == ["chapter-iv", "dmg", "ehealth-auth", "tiers-payant"]
