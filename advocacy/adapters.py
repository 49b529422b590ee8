"""Sign-up is open only to the company's e-mail domains, or to the holder of an invitation."""

from allauth.account.adapter import DefaultAccountAdapter
from django import forms
from django.conf import settings
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
            from .services import accept_invitation, set_roles
            from . import roles

            set_roles(user, [roles.EMPLOYEE])
            if invitation and invitation.email == user.email:
                accept_invitation(invitation, user)
                request.session.pop(INVITATION_SESSION_KEY, None)
                # The invitation went to this very address: following it proves the mailbox.
                request.session[INVITED_EMAIL_SESSION_KEY] = user.email
        return user

