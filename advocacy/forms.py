from django import forms
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from .models import NetworkAudience
from .networks import SHAREABLE_NETWORKS, Network


class JoinProgramForm(forms.Form):
    consent = forms.BooleanField(
        label=_("I want to take part. I understand that my shares and the clicks on my links are counted, "
                "and that I can leave at any time."),
        required=True,
        error_messages={"required": _("Tick the box to join the program.")},
    )


class SuggestionForm(forms.Form):
    url = forms.URLField(label=_("Link (optional)"), required=False, max_length=1000, assume_scheme="https",
                         help_text=_("An article, a post, a page worth sharing."))
    note = forms.CharField(label=_("Your idea"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4}),
                           help_text=_("Why it is worth sharing, or the idea itself."))

    def clean_url(self):
        url = self.cleaned_data["url"]
        if url and not url.lower().startswith(("http://", "https://")):
            raise forms.ValidationError(_("Enter a link starting with http:// or https://."))
        if not url.isprintable():  # invisible characters (a right-to-left override) disguise where a link goes
            raise forms.ValidationError(_("This link contains invisible characters: copy it again from the page."))
        return url


class FeedFilterForm(forms.Form):
    """The dashboard's filters and search; a value that does not fit is reported and left out."""

    q = forms.CharField(label=_("Search"), max_length=100, required=False)
    campaign = forms.ModelChoiceField(label=_("Campaign"), queryset=None, required=False,
                                      empty_label=_("All campaigns"))
    category = forms.ModelChoiceField(label=_("Category"), queryset=None, required=False,
                                      empty_label=_("All categories"))
    type = forms.ChoiceField(label=_("Type"), required=False)
    network = forms.ChoiceField(label=_("Network"), required=False)

    def __init__(self, *args, **kwargs):
        from content_library.models import Campaign, Category, Post

        super().__init__(*args, **kwargs)
        self.fields["campaign"].queryset = Campaign.objects.order_by("-starts_on")
        self.fields["category"].queryset = Category.objects.all()
        self.fields["type"].choices = [("", _("All types")), *Post.ContentType.choices]
        self.fields["network"].choices = [("", _("Any network")), *[
            (code, Network(code).label) for code in SHAREABLE_NETWORKS if code != Network.OTHER
        ]]

    def filters(self):
        """The valid filters, whatever else was wrong."""
        self.is_valid()
        return {name: value for name, value in getattr(self, "cleaned_data", {}).items() if value}


class FollowersForm(forms.Form):
    """Follower counts typed in by the employee, one field per network they share to; networks whose count
    comes from a connected account are not typed."""

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        known = {audience.network: audience for audience in NetworkAudience.objects.filter(employee=user)}
        for network in SHAREABLE_NETWORKS:
            audience = known.get(network)
            if network in (Network.EMAIL, Network.OTHER) or (
                audience and audience.source == NetworkAudience.Source.CONNECTED
            ):
                continue
            self.fields[network] = forms.IntegerField(
                label=Network(network).label, min_value=0, max_value=100_000_000, required=False,
                initial=audience.followers if audience else None,
                help_text=(
                    _("Followers or connections. Last updated %(date)s.")
                    % {"date": date_format(timezone.localtime(audience.updated_at), "DATE_FORMAT")}
                    if audience else _("Followers or connections")
                ),
            )


class ConfirmPasswordForm(forms.Form):
    """The employee's password, asked again before their data is downloaded or erased (10 tries a minute)."""

    password = forms.CharField(label=_("Your password"), strip=False,
                               widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))

    def __init__(self, *args, request, **kwargs):
        super().__init__(*args, **kwargs)
        self.request = request

    def clean_password(self):
        from allauth.core import ratelimit

        password = self.cleaned_data["password"]
        if not ratelimit.consume(self.request, action="reauthenticate", user=self.request.user):
            raise forms.ValidationError(_("Too many attempts: wait a minute and try again."))
        if not self.request.user.check_password(password):
            raise forms.ValidationError(_("This is not your password."))
        return password


class ErasureRequestForm(ConfirmPasswordForm):
    understood = forms.BooleanField(
        label=_("I understand that my account will be closed and that this cannot be undone."), required=True,
        error_messages={"required": _("Tick the box to confirm.")},
    )
    field_order = ["understood", "password"]
