import re

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import LeaderboardAlias

PSEUDONYM = re.compile(r"^[\w][\w .'-]{1,38}[\w.]$")


class LeaderboardNameForm(forms.Form):
    """The name shown on public leaderboards: a pseudonym, or (left empty) the employee's own name."""

    pseudonym = forms.CharField(
        label=_("Name on leaderboards"), max_length=40, required=False,
        help_text=_("Leave empty to appear under your own name. 3 to 40 letters, digits, spaces, dots, dashes."),
    )

    def __init__(self, *args, employee, **kwargs):
        self.employee = employee
        super().__init__(*args, **kwargs)

    def clean_pseudonym(self):
        pseudonym = " ".join(self.cleaned_data["pseudonym"].split())
        if not pseudonym:
            return ""
        if "@" in pseudonym or not PSEUDONYM.match(pseudonym):
            raise forms.ValidationError(_("Use 3 to 40 letters, digits, spaces, dots or dashes (no e-mail address)."))
        taken = LeaderboardAlias.objects.filter(pseudonym__iexact=pseudonym).exclude(employee=self.employee)
        if taken.exists():
            raise forms.ValidationError(_("Someone already uses this name."))
        return pseudonym
