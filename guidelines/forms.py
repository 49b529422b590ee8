from django import forms
from django.utils.translation import gettext_lazy as _


class SignGuideForm(forms.Form):
    accept = forms.BooleanField(
        label=_("I have read and accept it"), required=True,
        error_messages={"required": _("Tick the box to accept the guide.")},
    )
    typed_name = forms.CharField(
        label=_("Your full name"), max_length=200,
        help_text=_("Typing your name is your signature."),
    )

    def clean_typed_name(self):
        name = " ".join(self.cleaned_data["typed_name"].split())
        if len(name) < 3:
            raise forms.ValidationError(_("Type your full name."))
        return name
