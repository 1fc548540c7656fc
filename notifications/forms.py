from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.utils.translation import gettext_lazy as _

from notifications.models import NotificationPreference
from outages.models import Service


class PreferenceForm(forms.ModelForm):
    class Meta:
        model = NotificationPreference
        fields = ["figures", "reminders", "reviewer_digest"]

    def __init__(self, *args, reviewer: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not reviewer:
            del self.fields["reviewer_digest"]
        self.helper = FormHelper()
        self.helper.add_input(Submit("save", _("Save")))


class SubscribeForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"), max_length=254)
    services = forms.ModelMultipleChoiceField(
        label=_("Services"),
        queryset=Service.objects.order_by("position", "slug"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one service.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["services"].label_from_instance = lambda service: service.name
        self.helper = FormHelper()
        self.helper.add_input(Submit("subscribe", _("Subscribe")))
