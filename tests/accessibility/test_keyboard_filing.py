"""A claim filed with the keyboard alone: the skip link first, a visible focus on every
stop, fields in reading order, errors announced and focused, and the submission reached
and sent without a mouse."""

import re

import pytest
from claims_helpers import make_example_calendar
from playwright.sync_api import expect

from claims.models import AffectedSlot, Claim, ClaimStatus

# No test here reads a dossier: submitted claims leave theirs queued (tests/conftest.py).
pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.dossier_queued,
]

FOCUSED = """() => {
  const element = document.activeElement;
  const style = getComputedStyle(element);
  const box = element.getBoundingClientRect();
  return {
    id: element.id, name: element.getAttribute('name') || '', tag: element.tagName,
    text: (element.innerText || element.value || '').trim().slice(0, 60),
    visible: box.width > 0 && box.height > 0,
    ring: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2
          || style.boxShadow !== 'none',
    invalid: element.getAttribute('aria-invalid'),
    described: (element.getAttribute('aria-describedby') || '').split(' ')
      .map((id) => document.getElementById(id)).filter(Boolean)
      .map((node) => node.textContent.trim()).join(' '),
  };
}"""


def focused(page) -> dict:
    return page.evaluate(FOCUSED)


def tab_to(page, matches, limit=80) -> list[dict]:
    """Press Tab until ``matches(focused)``; every stop on the way must show its focus."""
    stops = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        stop = focused(page)
        stops.append(stop)
        assert stop["visible"] and stop["ring"], f"focus not visible on {stop}"
        if matches(stop):
            return stops
    raise AssertionError(f"never reached; stops: {[s['id'] or s['text'] for s in stops]}")


def test_a_doctor_files_a_claim_with_the_keyboard_alone(page, live_server, doctor_client):
    make_example_calendar()
    page.context.add_cookies(
        [
            {"name": "django_language", "value": "en", "url": live_server.url},
            {
                "name": "sessionid",
                "value": doctor_client.cookies["sessionid"].value,
                "url": live_server.url,
            },
        ]
    )
    # Without animations, the focus ring is measured as it ends up, not mid-transition.
    page.emulate_media(reduced_motion="reduce")
    page.goto("/claims/slots/new/")

    # The first Tab reaches the skip link, visible; Enter moves into the content.
    page.keyboard.press("Tab")
    skip = focused(page)
    assert skip["text"] == "Skip to content" and skip["visible"]
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "main"

    # Fields in reading order: From, Until, then the services, then the buttons.
    stops = tab_to(page, lambda stop: stop["id"] == "id_start")
    # Headless Chromium takes no keystrokes in a datetime field's segments (a desktop one
    # does): the focused field gets its value through fill(), still without a pointer.
    page.locator("#id_start").fill("2024-01-15T07:30")
    order = [stop["id"] for stop in tab_to(page, lambda stop: stop["name"] == "submit")]
    assert page.locator("#id_start").input_value() == "2024-01-15T07:30"
    assert order.index("id_end") < min(
        i for i, x in enumerate(order) if x.startswith("id_services")
    )
    assert stops  # the way to the first field passed only visible stops

    # An end before the start: sent with Enter, refused, the error announced and focused.
    page.locator("#id_end").fill("2024-01-15T06:00")
    page.locator("#id_end").focus()
    tab_to(page, lambda stop: stop["name"] == "submit")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_function("() => document.activeElement.getAttribute('aria-invalid')")
    error = focused(page)
    assert error["id"] in {"id_end", "id_start"} and error["invalid"] == "true", error
    assert "after the start" in error["described"]

    # Corrected by keyboard: the end, a service ticked with Space, saved with Enter.
    page.locator("#id_end").fill("2024-01-15T10:00")
    page.locator("#id_end").focus()
    tab_to(page, lambda stop: stop["id"].startswith("id_services"))
    page.keyboard.press("Space")
    tab_to(page, lambda stop: stop["name"] == "submit")
    page.keyboard.press("Enter")
    expect(page.get_by_role("alert")).to_contain_text("The slot is saved.")
    assert AffectedSlot.objects.count() == 1

    # The claim: to its submit box, the declaration ticked, sent — all by keyboard.
    page.goto("/claims/claim/?from=2024-01-01&to=2024-01-31")
    tab_to(page, lambda stop: stop["id"] == "go-to-submit")
    page.keyboard.press("Enter")
    tab_to(page, lambda stop: stop["name"] == "declaration_accepted")
    page.keyboard.press("Space")
    tab_to(page, lambda stop: re.search("Submit my claim", stop["text"]) is not None)
    page.keyboard.press("Enter")
    expect(page.get_by_role("alert")).to_contain_text("is submitted")
    assert Claim.objects.get().status == ClaimStatus.SUBMITTED
