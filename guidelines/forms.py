import unicodedata

from django import forms
from django.utils.translation import gettext_lazy as _


# Embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069) and the marks (U+200E, U+200F, U+061C).
BIDI_CONTROLS = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c")


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
        # The signature is evidence: what HR reads must be what was typed, so no control characters and none of
        # the marks that reorder text on screen (a name shown backwards). Joiners, which some scripts need, stay.
        if any(unicodedata.category(char) == "Cc" or char in BIDI_CONTROLS for char in name):
            raise forms.ValidationError(_("Type your name with letters only: no control or direction characters."))
        return name


class QuizForm(forms.Form):
    """One multiple-choice question per field; every question must be answered."""

    def __init__(self, *args, questions, **kwargs):
        super().__init__(*args, **kwargs)
        for number, question in enumerate(questions, start=1):
            self.fields[f"q{question.pk}"] = forms.TypedChoiceField(
                label=f"{number}. {question.text}", widget=forms.RadioSelect, coerce=int,
                choices=[(index, text) for index, text in enumerate(question.choice_list, start=1)],
                error_messages={"required": _("Answer this question.")},
            )

    def answers(self):
        return {int(name[1:]): value for name, value in self.cleaned_data.items()}
