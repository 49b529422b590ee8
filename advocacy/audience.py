"""Follower counts from accounts the employee connected through allauth (LinkedIn, X, Facebook).

The count at the moment of sharing becomes the share's potential reach. A connected count replaces a
typed one; where a network will not say (no permission, a revoked token), the last known count stays.
"""

import logging

from allauth.socialaccount.models import SocialToken
from django.utils import timezone

from . import clients
from .models import NetworkAudience
from .networks import Network

logger = logging.getLogger(__name__)

# allauth's provider id → our network.
PROVIDER_NETWORKS = {"linkedin": Network.LINKEDIN, "twitter_oauth2": Network.X, "facebook": Network.FACEBOOK}


def refresh_connected_followers(social_account):
    """Ask the network how many followers the connected account has, and keep it. Returns the count, or
    None if this provider gives none; raises the client's `NetworkError` when the network cannot answer."""
    network = PROVIDER_NETWORKS.get(social_account.provider)
    if network is None:
        return None
    token = SocialToken.objects.filter(account=social_account).order_by("-id").first()
    if token is None or (token.expires_at and token.expires_at <= timezone.now()):
        raise clients.TokenRevoked("no valid token for this connected account")
    count = clients.follower_count(network, token.token)
    NetworkAudience.objects.update_or_create(
        employee_id=social_account.user_id, network=network,
        defaults={"followers": count, "source": NetworkAudience.Source.CONNECTED, "updated_at": timezone.now()},
    )
    return count


def forget_connection(social_account):
    """A disconnected account's last count stays, but becomes the employee's to edit."""
    network = PROVIDER_NETWORKS.get(social_account.provider)
    if network:
        NetworkAudience.objects.filter(employee_id=social_account.user_id, network=network).update(
            source=NetworkAudience.Source.TYPED
        )
