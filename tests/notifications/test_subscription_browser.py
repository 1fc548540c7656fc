"""A visitor subscribes to Recip-e incidents, confirms from the e-mail, receives an incident
and unsubscribes from its link, in a real browser against a real SMTP server."""

import re
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from mail_servers import text_of

from notifications.models import Subscriber

pytestmark = pytest.mark.browser

ADDRESS = "visitor@example.org"


def _link(message, kind: str) -> str:
    return re.search(rf"(http://\S+/notifications/{kind}/\S+/)", text_of(message)).group(1)


def test_subscribe_confirm_receive_and_unsubscribe(page, live_server, smtp, settings, tmp_path):
    settings.SITE_URL = live_server.url
    page.goto("/notifications/subscribe/")
    page.fill("input[name=email]", ADDRESS)
    page.get_by_label("Recip-e").check()
    page.get_by_role("button", name="S'abonner").click()
    assert "Rien d'autre n'est envoyé" in page.locator("#subscribe-sent").inner_text()
    [confirmation] = smtp.to(ADDRESS)
    assert Subscriber.objects.get().confirmed_at is None

    page.goto(_link(confirmation, "subscribe/confirm"))
    page.get_by_role("button", name="Confirmer mon abonnement").click()
    assert "Recip-e" in page.locator("main").inner_text()
    assert page.locator("#subscription-confirmed").is_visible()

    start = (timezone.now() - timedelta(minutes=30)).replace(microsecond=0)
    csv = tmp_path / "new.csv"
    csv.write_text(
        "reference,services,start,end,impact,title\n"
        f"WEB-1,recip-e,{start.isoformat()},,major_outage,Recip-e en panne\n"
    )
    call_command("import_outages", str(csv))
    [_, incident] = smtp.to(ADDRESS)
    assert "Recip-e en panne" in incident["Subject"]

    page.goto(_link(incident, "unsubscribe"))
    page.get_by_role("button", name="Se désabonner").click()
    assert page.locator("#unsubscribed").is_visible()
    assert not Subscriber.objects.exists()
