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
