"""Forms of the claim pages: the period, the week and the declaration on honour."""

from datetime import timedelta

from crispy_forms.helper import FormHelper
from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from claims.declaration import CURRENT_VERSION as DECLARATION_VERSION
from claims.declaration import declaration_text
from claims.forms.fields import DateInput, iso_week_monday
from claims.services.claims import DECLARATION_REQUIRED, MAX_PERIOD_DAYS


class PeriodForm(forms.Form):
    """``?from=2024-01-01&to=2024-01-31``; the view falls back to a month when absent."""

    from_ = forms.DateField(label=_("From"), widget=DateInput())
    to = forms.DateField(label=_("To"), widget=DateInput())

    def __init__(self, data=None, **kwargs):
        if data is not None:
            data = {"from_": data.get("from"), "to": data.get("to")}
        super().__init__(data, **kwargs)

    def clean(self):
        data = super().clean()
        first, last = data.get("from_"), data.get("to")
        if first and last:
            if last < first:
                self.add_error("to", _("The end of the period must not be before its start."))
            elif last - first >= timedelta(days=MAX_PERIOD_DAYS):
                self.add_error("to", _("A claim covers at most one year."))
        return data


class WeekForm(forms.Form):
    week = forms.RegexField(regex=r"^\d{4}-W\d{2}$", label=_("Week"))

    def clean_week(self):
        try:
            return iso_week_monday(self.cleaned_data["week"])
        except ValueError:
            raise forms.ValidationError(_("Write a week like 2024-W03.")) from None


class DeclarationForm(forms.Form):
    declaration_accepted = forms.BooleanField(error_messages={"required": DECLARATION_REQUIRED})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The same words the dossier prints (claims.declaration), in the page's language.
        self.fields["declaration_accepted"].label = declaration_text(
            DECLARATION_VERSION, get_language()
        )
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
