"""The acceptance walk of issue 14: a new doctor, from the landing page to the downloaded
dossier, files January 2024 (10 slots, 30 consultations) with the CSV templates the app
offers, in at most 20 clicks. Typing is not a click; choosing a file is one."""

import csv
import io
import re
from datetime import datetime, timedelta

import pytest
from claims_helpers import make_example_calendar
from playwright.sync_api import expect

from claims.models import AffectedSlot, Claim, ClaimStatus, Consultation

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MAX_CLICKS = 20


class Walk:
    """The tab, and a count of every click the doctor makes on it."""

    def __init__(self, page):
        self.page = page
        self.clicks = 0

    def click(self, locator):
        self.clicks += 1
        locator.click()

    def check(self, locator):
        self.clicks += 1
        locator.check()

    def download(self, locator) -> bytes:
        with self.page.expect_download() as info:
            self.click(locator)
        with open(info.value.path(), "rb") as file:
            return file.read()

    def choose_file(self, name: str, content: bytes):
        self.clicks += 1  # the file button, then the file in the dialog (typed, not clicked)
        self.page.get_by_label("CSV file").set_input_files(
            {"name": name, "mimeType": "text/csv", "buffer": content}
        )


def fill_template(template: bytes, rows: list[list[str]]) -> bytes:
    """What the doctor does in a spreadsheet: keep the header, replace the example row by
    their own rows, written the way the example is (its services cell reused)."""
    text = template.decode("utf-8-sig")
    header, example = list(csv.reader(io.StringIO(text), delimiter=";"))[:2]
    services = example[header.index("services")]
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([services if cell == "{services}" else cell for cell in row])
    return ("\ufeff" + out.getvalue()).encode()


def january_slots() -> list[list[str]]:
    days = [15, 15, 15, 16, 17, 18, 19, 22, 23, 24]
    hours = [(7, 30, 10, 0), (10, 30, 11, 30), (14, 0, 15, 0)] + [(9, 0, 10, 0)] * 7
    return [
        [
            f"{day:02d}/01/2024 {h1:02d}:{m1:02d}",
            f"{day:02d}/01/2024 {h2:02d}:{m2:02d}",
            "{services}",
            "",
        ]
        for day, (h1, m1, h2, m2) in zip(days, hours, strict=True)
    ]


def january_consultations() -> list[list[str]]:
    rows = []
    start = datetime(2024, 1, 15, 8, 0)
    for number in range(30):
        moment = start + timedelta(days=number // 10, minutes=20 * (number % 10))
        outcome = "cancelled" if number % 3 == 0 else "completed"
        rows.append([moment.strftime("%d/%m/%Y %H:%M"), "20", "101076", "", "{services}", outcome])
    return rows


def import_with_template(walk, name: str, rows):
    page = walk.page
    template = walk.download(page.get_by_role("link", name="Download a template to fill in (CSV)"))
    walk.choose_file(name, fill_template(template, rows))
    walk.click(page.get_by_role("button", name="Show the preview"))
    expect(page.locator("#import-counts")).to_contain_text("0 with errors")
    walk.click(page.get_by_role("button", name="Confirm the import"))
    expect(page.get_by_role("alert")).to_contain_text("Imported:")


def test_a_new_doctor_files_january_with_the_templates_in_at_most_20_clicks(page, live_server):
    make_example_calendar()
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
    walk = Walk(page)
    page.goto("/")

    walk.click(page.get_by_role("main").get_by_role("link", name="Create my account"))
    page.get_by_label("First name").fill("Anne")
    page.get_by_label("Last name").fill("Dupont")
    page.get_by_label("RIZIV/INAMI number").fill("1-23456-78-004")
    page.get_by_label("E-mail address").fill("anne@example.org")
    page.locator("#id_password1").fill("a-long-and-unusual-passphrase")
    page.locator("#id_password2").fill("a-long-and-unusual-passphrase")
    walk.click(page.get_by_role("button", name="Create my account"))

    walk.click(page.get_by_role("link", name="Declare an affected slot"))
    walk.click(page.get_by_role("link", name="import slots"))
    import_with_template(walk, "slots.csv", january_slots())

    nav = page.get_by_role("navigation", name="Main navigation")
    walk.click(nav.get_by_role("link", name="Consultations"))
    walk.click(page.get_by_role("link", name="Import a CSV file"))
    import_with_template(walk, "consultations.csv", january_consultations())

    walk.click(nav.get_by_role("link", name="My claim"))
    walk.click(page.get_by_role("link", name="Review and submit"))
    walk.click(page.get_by_role("link", name="Go to the submission"))
    walk.check(page.get_by_label(re.compile("I declare on my honour")))
    walk.click(page.get_by_role("button", name="Submit my claim"))
    expect(page.get_by_role("alert")).to_contain_text("is submitted")
    dossier = walk.download(page.get_by_role("link", name="Download the dossier (PDF)"))

    assert dossier.startswith(b"%PDF")
    assert AffectedSlot.objects.count() == 10
    assert Consultation.objects.count() == 30
    claim = Claim.objects.get()
    assert claim.status == ClaimStatus.SUBMITTED and claim.total > 0
    print(f"filing clicks: {walk.clicks}")
    assert walk.clicks <= MAX_CLICKS
