"""``{% claim_decision_panel claim %}``: the legal team's decision on the doctor's claim
page, with the "correct and resubmit" path while a request for information is open."""

from django import template

from claims.cure import awaits_correction, correction_open

register = template.Library()


@register.inclusion_tag("claims/review/_doctor_decision.html")
def claim_decision_panel(claim):
    """Two queries: the latest decision and the number of earlier versions."""
    if claim is None or not claim.pk or not claim.is_frozen:
        return {"panel": None}
    decision = claim.decisions.order_by("-created_at", "-id").first()
    can_resubmit = correction_open(claim, decision)
    return {
        "panel": {
            "claim": claim,
            "decision": decision,
            "can_resubmit": can_resubmit,
            "window_closed": awaits_correction(claim, decision) and not can_resubmit,
            "versions": claim.versions.count() if decision is not None else 0,
        }
    }
