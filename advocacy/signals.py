from allauth.account.models import EmailAddress
from allauth.account.signals import user_signed_up
from allauth.socialaccount.signals import social_account_added, social_account_removed, social_account_updated
from django.conf import settings
from django.db.models.signals import m2m_changed, post_save
from django.dispatch import receiver

from . import roles
from .models import EmployeeProfile, User


@receiver(post_save, sender=settings.AUTH_USER_MODEL)
def create_profile(sender, instance, created, raw=False, **kwargs):
    """Every account has a profile; nobody is opted in to the program by default."""
    if created and not raw:
        EmployeeProfile.objects.get_or_create(user=instance)


@receiver(m2m_changed, sender=User.groups.through)
def staff_follows_roles(sender, instance, action, reverse, pk_set=None, **kwargs):
    """Members of comms, reviewer, HR and admin work in the web admin; others do not."""
    if action not in {"post_add", "post_remove", "post_clear"}:
        return
    if reverse:  # group.user_set.add(...): the users are in pk_set
        users = list(User.objects.filter(pk__in=pk_set or []))
    else:
        users = [instance]
    for user in users:
        if user.is_superuser:
            continue
        should_be_staff = user.groups.filter(name__in=roles.STAFF_ROLES).exists()
        if user.is_staff != should_be_staff:
            User.objects.filter(pk=user.pk).update(is_staff=should_be_staff)
            user.is_staff = should_be_staff


@receiver(user_signed_up)
def verify_invited_address(sender, request, user, **kwargs):
    """Someone who followed an invitation sent to their address has proved that mailbox."""
    from .adapters import INVITED_EMAIL_SESSION_KEY

    invited = request.session.pop(INVITED_EMAIL_SESSION_KEY, None) if request is not None else None
    if invited and invited == user.email:
        EmailAddress.objects.update_or_create(
            user=user, email=invited, defaults={"verified": True, "primary": True}
        )


@receiver(social_account_added)
@receiver(social_account_updated)
def count_followers_of_connected_account(sender, request, sociallogin, **kwargs):
    """Right after an account is connected (or reconnected), fetch its follower count."""
    from .dispatch import enqueue
    from .tasks import refresh_follower_count

    enqueue(refresh_follower_count, sociallogin.account.pk)


@receiver(social_account_removed)
def keep_count_of_disconnected_account(sender, request, socialaccount, **kwargs):
    from .audience import forget_connection

    forget_connection(socialaccount)
