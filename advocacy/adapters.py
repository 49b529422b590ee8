"""Sign-up is open only to the company's e-mail domains, or to the holder of an invitation; connected
social accounts never sign anyone up or in."""

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.models import SocialApp
from allauth.socialaccount.providers.base.constants import AuthProcess
from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from .models import Invitation

INVITATION_SESSION_KEY = "advocacy_invitation_token"
INVITED_EMAIL_SESSION_KEY = "advocacy_invited_email"


def email_domain(email):
    return email.rsplit("@", 1)[-1].lower() if "@" in email else ""


class CompanyAccountAdapter(DefaultAccountAdapter):
    def _invitation(self, request):
        token = request.session.get(INVITATION_SESSION_KEY) if request else None
        if not token:
            return None
        return Invitation.objects.filter(token=token, accepted_at__isnull=True).first()

    def clean_email(self, email):
        email = super().clean_email(email).lower()
        request = getattr(self, "request", None)
        if email_domain(email) in settings.COMPANY_EMAIL_DOMAINS:
            return email
        invitation = self._invitation(request)
        if invitation and invitation.email == email:
            return email
        raise forms.ValidationError(
            _("Sign-up is open to company e-mail addresses (%(domains)s) or by invitation.")
            % {"domains": ", ".join("@" + d for d in settings.COMPANY_EMAIL_DOMAINS)}
        )

    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=commit)
        invitation = self._invitation(request)
        if commit:
            from . import roles
            from .services import accept_invitation, set_roles

            set_roles(user, [roles.EMPLOYEE])
            if invitation and invitation.email == user.email:
                accept_invitation(invitation, user)
                request.session.pop(INVITATION_SESSION_KEY, None)
                # The invitation went to this very address: following it proves the mailbox.
                request.session[INVITED_EMAIL_SESSION_KEY] = user.email
        return user



class NetworkNotConfigured(SocialApp.DoesNotExist, Http404):
    """No credentials for this network: its connect pages do not exist (a 404, where allauth would fail with
    a 500), and code that expects SocialApp.DoesNotExist still gets it."""


class ConnectOnlySocialAdapter(DefaultSocialAccountAdapter):
    """LinkedIn, X and Facebook accounts are connected to an existing account for follower counts only:
    they never create an account and never sign anyone in (sign-in is by company e-mail)."""

    def get_app(self, request, provider, client_id=None):
        try:
            return super().get_app(request, provider, client_id=client_id)
        except SocialApp.DoesNotExist:
            raise NetworkNotConfigured(f"no credentials for {provider}") from None

    def is_open_for_signup(self, request, sociallogin):
        return False

    def pre_social_login(self, request, sociallogin):
        if sociallogin.state.get("process") != AuthProcess.CONNECT:
            messages.error(request, _("Sign in with your company e-mail, then connect your networks on your profile."))
            raise ImmediateHttpResponse(redirect("account_login"))
