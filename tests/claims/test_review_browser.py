"""One walk through the legal team's workspace in a real browser: filter the review list,
build a batch from the filter, freeze it, start its dossier, watch the progress bar move
while a database task worker runs, download the CSV export."""

import csv
import io

import pytest
from django.core.management import call_command
from factories_review import recip_e_outage, submitted_claim, use_fast_dossiers

from claims.models import Batch, BatchOutput

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

COLUMNS = [
    "claim_id",
    "doctor",
    "riziv",
    "from",
    "to",
    "status",
    "lost_minutes",
    "time_value",
    "revenue_loss",
    "total",
    "methodology",
]


def test_a_reviewer_filters_batches_watches_the_dossier_and_downloads_the_csv(
    page, live_server, reviewer, monkeypatch, settings
):
    # Batch files go through the database queue here, as in production: the page must
    # show the file waiting for a worker, then follow it to the end.
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    use_fast_dossiers(monkeypatch, pages=2)
    recip_e_outage()
    small = [submitted_claim(slots=((15, 8, 0, 15, 9, 0),), cancelled=()) for _ in range(2)]
    big = [submitted_claim(slots=((15, 8, 0, 15, 11, 0),), cancelled=()) for _ in range(3)]
    reviewer.set_password("correct-horse-battery-staple")
    reviewer.language = "en"  # the user's language wins over the cookie once logged in
    reviewer.save()

    page.context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
    page.goto("/account/login/")
    page.fill("input[name=username]", reviewer.email)
    page.fill("input[name=password]", "correct-horse-battery-staple")
    page.click("main form [type=submit]")
    page.get_by_role("link", name="Review", exact=True).click()
    assert page.locator("#total-claims").inner_text() == "5"

    # Filter: Recip-e claims of 200 EUR and more.
    page.select_option("#id_service", "recip-e")
    page.fill("#id_min_total", "200")
    page.get_by_role("button", name="Apply the filters").click()
    assert page.locator("#total-claims").inner_text() == "3"
    assert page.locator("#review-table tbody tr").count() == 3

    # A batch from this filter, then frozen.
    page.fill("#batch-filter-name", "Recip-e, January 2024, 200 EUR and more")
    page.get_by_role("button", name="Build a batch from this filter").click()
    page.get_by_label("I checked the claims; freezing cannot be undone").check()
    page.get_by_role("button", name="Freeze the batch").click()
    assert page.locator("#batch-state").inner_text() == "Frozen"
    batch = Batch.objects.get()
    assert sorted(batch.claims.values_list("pk", flat=True)) == sorted(c.pk for c in big)

    # Start the batch dossier: it waits for a worker, and the page says it may be left.
    page.locator("#output-dossier").get_by_role("button", name="Produce it").click()
    card = page.locator("#output-dossier")
    assert "Waiting for a worker" in card.locator(".batch-output-state").inner_text()
    assert card.locator(".progress").get_attribute("aria-valuenow") == "0"
    assert page.get_by_text("You may leave this page and come back later").is_visible()
    assert not card.locator(".batch-output-download").is_visible()

    # A worker picks the task up; the page follows it without being reloaded.
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    card.locator(".batch-output-download").wait_for(state="visible")
    assert card.locator(".progress").get_attribute("aria-valuenow") == "100"
    assert "Ready" in card.locator(".batch-output-state").inner_text()
    output = BatchOutput.objects.get(batch=batch, kind="dossier")
    assert output.state == BatchOutput.State.DONE
    with page.expect_download() as dossier:
        card.locator(".batch-output-download").click()
    with open(dossier.value.path(), "rb") as merged:
        assert merged.read(5) == b"%PDF-"

    # The CSV export of the batch.
    with page.expect_download() as exported:
        page.locator("#batch-export-csv").click()
    with open(exported.value.path(), encoding="utf-8") as stream:
        rows = list(csv.reader(io.StringIO(stream.read())))
    assert rows[0] == COLUMNS
    assert sorted(int(row[0]) for row in rows[1:]) == sorted(c.pk for c in big)
    assert all(row[9] == "270.00" for row in rows[1:])
    assert not set(int(row[0]) for row in rows[1:]) & {c.pk for c in small}
