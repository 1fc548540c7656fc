"""Forms of the legal team's workspace: the review list's filters, decisions (single and
bulk) and batches. They only validate; the services decide."""

from __future__ import annotations

import json

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row, Submit
from django import forms
from django.utils.translation import gettext_lazy as _

from claims.forms.fields import DateInput
from claims.models import REASONS_BY_DECISION, ClaimStatus, Decision, Language, ReasonCode
from claims.review.flags import FLAG_LABELS
from claims.review.selectors import DEFAULT_SORT, SORTS, ReviewFilters

SORT_CHOICES = [
    ("-submitted", _("Latest submitted first")),
    ("submitted", _("Earliest submitted first")),
    ("-total", _("Highest total first")),
    ("total", _("Lowest total first")),
    ("-lost", _("Most lost time first")),
    ("doctor", _("Doctor (A–Z)")),
    ("period", _("Period")),
    ("id", _("Claim number")),
]


class ReviewFilterForm(forms.Form):
    """The review list's query string: ``?from=&to=&service=&status=&min_total=&...``."""

    period_from = forms.DateField(label=_("Period from"), required=False, widget=DateInput())
    period_to = forms.DateField(label=_("Period to"), required=False, widget=DateInput())
    service = forms.ChoiceField(label=_("Service"), required=False)
    status = forms.ChoiceField(label=_("Status"), required=False)
    min_total = forms.DecimalField(
        label=_("Total from (EUR)"), required=False, min_value=0, decimal_places=2
    )
    max_total = forms.DecimalField(
        label=_("Total up to (EUR)"), required=False, min_value=0, decimal_places=2
    )
    language = forms.ChoiceField(label=_("Doctor's language"), required=False)
    flag = forms.MultipleChoiceField(
        label=_("Only claims flagged"),
        required=False,
        choices=list(FLAG_LABELS.items()),
        widget=forms.CheckboxSelectMultiple,
    )
    sort = forms.ChoiceField(label=_("Sort"), required=False, choices=SORT_CHOICES)

    def __init__(self, data=None, *, services=(), **kwargs):
        super().__init__(data, **kwargs)
        every = [("", _("All"))]
        self.fields["service"].choices = every + [(s.slug, s.name) for s in services]
        self.fields["status"].choices = every + [
            (value, label) for value, label in ClaimStatus.choices if value != ClaimStatus.DRAFT
        ]
        self.fields["language"].choices = every + list(Language.choices)
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.form_id = "review-filters"
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            Row(
                Column("period_from", css_class="col-6 col-md-3 col-xl-2"),
                Column("period_to", css_class="col-6 col-md-3 col-xl-2"),
                Column("service", css_class="col-6 col-md-3 col-xl-2"),
                Column("status", css_class="col-6 col-md-3 col-xl-2"),
                Column("min_total", css_class="col-6 col-md-3 col-xl-2"),
                Column("max_total", css_class="col-6 col-md-3 col-xl-2"),
                Column("language", css_class="col-6 col-md-3 col-xl-2"),
                Column("sort", css_class="col-6 col-md-3 col-xl-2"),
                Column("flag", css_class="col-12 col-xl-8 review-flag-choices"),
            ),
            Submit("apply", _("Apply the filters"), css_class="btn-primary"),
        )

    def clean(self):
        data = super().clean()
        first, last = data.get("period_from"), data.get("period_to")
        if first and last and last < first:
            self.add_error("period_to", _("The end of the period must not be before its start."))
        low, high = data.get("min_total"), data.get("max_total")
        if low is not None and high is not None and high < low:
            self.add_error("max_total", _("The upper amount must not be below the lower one."))
        return data

    def filters(self) -> ReviewFilters:
        """The valid filters (an invalid form shows everything, with its errors)."""
        if not self.is_valid():
            return ReviewFilters()
        data = self.cleaned_data
        sort = data.get("sort") or DEFAULT_SORT
        return ReviewFilters(
            first_day=data.get("period_from"),
            last_day=data.get("period_to"),
            service=data.get("service") or "",
            status=data.get("status") or "",
            min_total=data.get("min_total"),
            max_total=data.get("max_total"),
            language=data.get("language") or "",
            flags=tuple(data.get("flag") or ()),
            sort=sort if sort.lstrip("-") in SORTS else DEFAULT_SORT,
        )


def _reason_choices():
    labels = dict(ReasonCode.choices)
    return [("", _("Choose a reason"))] + [
        (Decision(decision).label, [(code.value, labels[code]) for code in codes])
        for decision, codes in REASONS_BY_DECISION.items()
    ]


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"), choices=Decision.choices, widget=forms.RadioSelect
    )
    reason_code = forms.ChoiceField(label=_("Reason"), choices=_reason_choices)
    text = forms.CharField(
        label=_("Explanation (the doctor reads it)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
        error_messages={"required": _("Every decision needs a reason: explain it in a sentence.")},
    )
    # The claim's version_token when the page was opened (claims.review.services.decisions).
    version = forms.CharField(widget=forms.HiddenInput, required=False, max_length=40)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # review.js offers only the chosen decision's reasons (the optgroup labelled with
        # the decision); the server check in clean() stays for anyone without it.
        self.fields["reason_code"].widget.attrs["data-decision-labels"] = json.dumps(
            {decision.value: str(decision.label) for decision in Decision}
        )
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True

    def clean(self):
        data = super().clean()
        decision, reason = data.get("decision"), data.get("reason_code")
        if decision and reason and reason not in REASONS_BY_DECISION[decision]:
            self.add_error("reason_code", _("This reason does not fit this decision."))
        return data


class ClaimSelectionForm(forms.Form):
    """The claims ticked in a list (``claim`` repeated)."""

    claim = forms.TypedMultipleChoiceField(coerce=int, choices=(), required=True)

    def __init__(self, data=None, **kwargs):
        super().__init__(data, **kwargs)
        if data is not None:
            self.fields["claim"].choices = [(value, value) for value in data.getlist("claim")]
        self.fields["claim"].error_messages["required"] = _("Select at least one claim.")

    def clean_claim(self):
        values = self.cleaned_data["claim"]
        if any(value <= 0 for value in values):
            raise forms.ValidationError(_("Select at least one claim."))
        return values


class BulkDecisionForm(DecisionForm, ClaimSelectionForm):
    pass


class BatchNameForm(forms.Form):
    name = forms.CharField(
        label=_("Batch name"),
        max_length=200,
        widget=forms.TextInput(attrs={"placeholder": _("e.g. Recip-e, January 2024")}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True


class BatchFromSelectionForm(BatchNameForm, ClaimSelectionForm):
    pass
