"""A newcomer of the legal team in Chromium: the log-in lands on the review list, and the
reason list offers only the reasons of the decision chosen."""

import pytest
from factories_review import recip_e_outage, submitted_claim, use_fast_dossiers
from playwright.sync_api import expect

from claims.models import REASONS_BY_DECISION, Decision

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct-horse-battery-staple"
OFFERED = """(select) => Array.from(select.options)
  .filter((option) => option.value && !option.disabled && !option.parentElement.disabled
          && !option.parentElement.hidden)
  .map((option) => option.value)"""


def log_in(page, email):
    page.goto("/account/login/")
    page.fill("input[name=username]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("main form [type=submit]")


def test_a_reviewer_lands_on_the_review_list_and_sees_only_fitting_reasons(
    page, live_server, reviewer, monkeypatch
):
    use_fast_dossiers(monkeypatch)
    recip_e_outage()
    claim = submitted_claim(slots=((15, 8, 0, 15, 9, 0),), cancelled=())
    reviewer.language = "en"
    reviewer.save()
    log_in(page, reviewer.email)
    expect(page).to_have_url(f"{live_server.url}/claims/review/")
    expect(page.locator("h1")).to_contain_text("Review")

    page.get_by_role("link", name=f"#{claim.pk}").click()
    reasons = page.locator("#decision-form select[name=reason_code]")
    for decision in Decision:
        page.locator(f"#decision-form input[name=decision][value={decision.value}]").check()
        offered = reasons.evaluate(OFFERED)
        assert offered == [code.value for code in REASONS_BY_DECISION[decision]], decision
    # A reason chosen, then another decision: the reason that no longer fits is cleared.
    page.locator("#decision-form input[name=decision][value=reject]").check()
    reasons.select_option("duplicate")
    page.locator("#decision-form input[name=decision][value=approve]").check()
    assert reasons.input_value() == ""


def test_an_administrator_lands_on_the_calendar_import(page, live_server, admin_user):
    log_in(page, admin_user.email)
    expect(page).to_have_url(f"{live_server.url}/outages/import/")
