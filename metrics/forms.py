from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from advocacy.networks import PUBLISHED_URL_NETWORKS

from .imports import as_of_moment


class AnalyticsImportForm(forms.Form):
    """A network's analytics export, and the day its figures were taken."""

    network = forms.ChoiceField(
        label=_("Network"), choices=[(network.value, network.label) for network in PUBLISHED_URL_NETWORKS],
    )
    as_of = forms.DateField(
        label=_("Figures as of"), initial=timezone.localdate,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("The day the export was downloaded. Figures older than those already kept change nothing."),
    )
    file = forms.FileField(
        label=_("Analytics export (CSV)"),
        help_text=_("The post-level export of the network's analytics, as downloaded: one row per post."),
    )

    def clean_as_of(self):
        day = self.cleaned_data["as_of"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("The figures cannot be from the future."))
        return day

    @property
    def as_of_moment(self):
        """The moment the figures were taken (see `metrics.imports.as_of_moment`)."""
        return as_of_moment(self.cleaned_data["as_of"])
