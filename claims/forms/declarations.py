"""Forms of a doctor's slots and consultations. They check what a form alone can check;
the rules needing the database (duplicates, submitted periods, the nomenclature) are in
``claims.services.declarations``, whose errors the views put back next to the fields."""

from crispy_forms.bootstrap import InlineCheckboxes, InlineRadios
from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Column, Field, Layout, Row, Submit
from django import forms
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from claims.forms.fields import BrusselsDateTimeField
from claims.models import Outcome
from claims.services.declarations import (
    MAX_DURATION_MINUTES,
    NO_SERVICE,
    consultation_time_errors,
    slot_time_errors,
)
from outages.models import Service


class SecondarySubmit(Submit):
    """A second submit button in outline style. Crispy's Submit always adds btn-primary,
    so a css_class of btn-outline-primary gave blue text on a blue button: unreadable."""

    field_classes = "btn btn-outline-primary"


def save_and_add_another() -> SecondarySubmit:
    return SecondarySubmit("add_another", _("Save and add another"))


class _ServicesField(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, obj):
        return obj.name


class SlotForm(forms.Form):
    start = BrusselsDateTimeField(
        label=_("From"), help_text=_("Brussels time, when you could not work normally.")
    )
    end = BrusselsDateTimeField(label=_("Until"))
    services = _ServicesField(
        label=_("Services you were trying to use"),
        queryset=Service.objects.all(),
        error_messages={"required": NO_SERVICE},
    )
    note = forms.CharField(
        label=_("Note (optional)"),
        required=False,
        max_length=300,
        help_text=_("What happened, in a few words. Never a patient's name."),
    )

    def __init__(self, *args, adding=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Row(Column("start", css_class="col-md-6"), Column("end", css_class="col-md-6")),
            InlineCheckboxes("services"),
            "note",
        )
        self.helper.add_input(Submit("submit", _("Save the slot")))
        if adding:
            self.helper.add_input(save_and_add_another())

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end:
            for field, messages in slot_time_errors(
                start=start, end=end, now=timezone.now()
            ).items():
                for message in messages:
                    self.add_error(field, message)
        return data


class ConsultationForm(forms.Form):
    start = BrusselsDateTimeField(label=_("Start"), help_text=_("Brussels time."))
    duration_minutes = forms.IntegerField(
        label=_("Duration (minutes)"), min_value=1, max_value=MAX_DURATION_MINUTES, initial=20
    )
    code = forms.CharField(
        label=_("Nomenclature code"),
        max_length=10,
        help_text=_("For example 101076 (office consultation, accredited GP)."),
        widget=forms.TextInput(
            attrs={"list": "nomenclature-codes", "inputmode": "numeric", "autocomplete": "off"}
        ),
    )
    fee = forms.DecimalField(
        label=_("Fee (EUR)"),
        required=False,
        min_value=0,
        max_digits=8,
        decimal_places=2,
        help_text=_(
            "Filled in from the nomenclature for the consultation's date; change it if you "
            "charged another fee. Leave it empty to use the nomenclature's fee."
        ),
        widget=forms.NumberInput(attrs={"step": "0.01", "min": "0"}),
    )
    services = _ServicesField(
        label=_("eHealth services the consultation needed"),
        queryset=Service.objects.all(),
        required=False,
    )
    outcome = forms.ChoiceField(
        label=_("What became of it"), choices=Outcome.choices, widget=forms.RadioSelect
    )

    def __init__(self, *args, adding=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        # Where static/js/claims.js says which fee the nomenclature gives on that date.
        fee_hint = format_html(
            '<p id="fee-hint" class="small text-body-secondary" aria-live="polite" '
            'data-known="{}" data-unknown="{}"></p>',
            _("Nomenclature fee on that date:"),
            _(
                "This code is not in the nomenclature table for that date: enter the fee "
                "you charged."
            ),
        )
        self.helper.layout = Layout(
            Row(
                Column("start", css_class="col-md-5"),
                Column("duration_minutes", css_class="col-md-3"),
            ),
            Row(
                Column(Field("code", css_class="js-fee-code"), css_class="col-md-5"),
                Column(Field("fee", css_class="js-fee-amount"), css_class="col-md-4"),
            ),
            HTML(fee_hint),
            InlineCheckboxes("services"),
            InlineRadios("outcome"),
        )
        self.helper.add_input(Submit("submit", _("Save the consultation")))
        if adding:
            self.helper.add_input(save_and_add_another())

    def clean_code(self):
        return self.cleaned_data["code"].strip()

    def clean(self):
        data = super().clean()
        start, duration = data.get("start"), data.get("duration_minutes")
        if start and duration:
            for field, messages in consultation_time_errors(
                start=start, duration_minutes=duration, now=timezone.now()
            ).items():
                for message in messages:
                    self.add_error(field, message)
        return data
