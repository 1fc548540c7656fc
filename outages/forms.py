"""Forms of the calendar pages: they only validate (style.md)."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from outages.formats import FORMATS, format_choices, guess_format, upload_accept


def _formats_help() -> str:
    return ", ".join(f"{entry.label} ({' '.join(entry.extensions)})" for entry in FORMATS.values())


class IncidentImportForm(forms.Form):
    file = forms.FileField(
        label=_("File to import"),
    )
    format = forms.ChoiceField(
        label=_("Format"),
        choices=[("", _("Guess from the file name"))] + format_choices(),
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _formats_help()
        self.fields["file"].widget.attrs["accept"] = upload_accept()
        self.helper = FormHelper()
        self.helper.form_id = "import-form"
        self.helper.attrs = {"enctype": "multipart/form-data"}
        self.helper.add_input(Submit("submit", _("Upload and preview")))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > settings.MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                _("The file is %(size)s; the limit is %(limit)s."),
                params={
                    "size": filesizeformat(upload.size),
                    "limit": filesizeformat(settings.MAX_UPLOAD_BYTES),
                },
                code="too_big",
            )
        if upload.size == 0:
            raise forms.ValidationError(_("The file is empty."), code="empty")
        return upload

    def clean(self):
        cleaned = super().clean()
        upload = cleaned.get("file")
        if upload is not None and not cleaned.get("format"):
            head = upload.read(512)
            upload.seek(0)
            guessed = guess_format(upload.name, head)
            if guessed is None:
                self.add_error(
                    "format",
                    _("The format cannot be told from the file name: choose it here."),
                )
            else:
                cleaned["format"] = guessed
        return cleaned
