from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.contrib.auth.forms import (
    AuthenticationForm,
    BaseUserCreationForm,
    PasswordResetForm,
    SetPasswordForm,
)
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from accounts.services import EMAIL_TAKEN, RIZIV_TAKEN
from claims.models import Doctor, Language, User
from claims.riziv import normalize_riziv, validate_riziv


class RizivField(forms.CharField):
    """Accepts 12345678901 or 1-23456-78-901 and cleans to the 11 digits."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("RIZIV/INAMI number"))
        kwargs.setdefault("help_text", _("11 digits, with or without dashes: 1-23456-78-901."))
        kwargs.setdefault("max_length", 20)
        super().__init__(**kwargs)
        self.validators.append(validate_riziv)

    def to_python(self, value):
        return normalize_riziv(super().to_python(value))


class SignUpForm(BaseUserCreationForm):
    riziv = RizivField()

    class Meta:
        model = User
        fields = ["email", "first_name", "last_name", "language"]
        labels = {"email": _("E-mail address")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("first_name", "last_name"):
            self.fields[name].required = True
        self.fields["language"].label = _("Language of the app and your dossiers")
        # The page's language is the best guess of the doctor's (not always French).
        page_language = (get_language() or "")[:2]
        if page_language in Language.values:
            self.fields["language"].initial = page_language
        # Django focuses the username field (the e-mail, fourth here): focus the first one.
        self.fields["email"].widget.attrs.pop("autofocus", None)
        self.fields["first_name"].widget.attrs["autofocus"] = True
        self.order_fields(["first_name", "last_name", "riziv", "email", "language"])
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("Create my account")))

    def clean_email(self):
        email = self.cleaned_data["email"].lower()
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(EMAIL_TAKEN, code="duplicate_email")
        return email

    def clean_riziv(self):
        riziv = self.cleaned_data["riziv"]
        if Doctor.objects.filter(riziv=riziv).exists():
            raise forms.ValidationError(RIZIV_TAKEN, code="duplicate_riziv")
        return riziv


class LoginForm(AuthenticationForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = _("E-mail address")
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("Log in")))


class ProfileForm(forms.Form):
    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    language = forms.ChoiceField(label=_("Language"), choices=Language.choices)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("Save")))


class CrispyFormMixin:
    """Gives Django's own auth forms a crispy helper with one submit button."""

    submit_label = _("Send")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", self.submit_label))


class PasswordLinkForm(CrispyFormMixin, PasswordResetForm):
    submit_label = _("Send me a reset link")

    def get_users(self, email):
        # Unlike Django's form, include accounts without a usable password: doctors an
        # admin imported (import_doctors) choose their first password through this link.
        return User.objects.filter(email__iexact=email, is_active=True)


class NewPasswordForm(CrispyFormMixin, SetPasswordForm):
    submit_label = _("Save my new password")
