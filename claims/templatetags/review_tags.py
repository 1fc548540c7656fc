"""``{% claim_decision_panel claim %}``: the legal team's decision on the doctor's claim
page, with the "correct and resubmit" path while a request for information is open."""

from django import template
from django.utils import timezone

from claims.models import Decision

register = template.Library()


@register.inclusion_tag("claims/review/_doctor_decision.html")
def claim_decision_panel(claim):
    """Two queries: the latest decision and the number of earlier versions."""
    if claim is None or not claim.pk or not claim.is_frozen:
        return {"panel": None}
    decision = claim.decisions.order_by("-created_at", "-id").first()
    now = timezone.now()
    is_open_request = (
        decision is not None
        and decision.decision == Decision.REQUEST_INFO
        and claim.status == "info_requested"
    )
    return {
        "panel": {
            "claim": claim,
            "decision": decision,
            "can_resubmit": is_open_request and now < decision.cure_deadline,
            "window_closed": is_open_request and now >= decision.cure_deadline,
            "versions": claim.versions.count() if decision is not None else 0,
        }
    }
