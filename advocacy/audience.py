"""Follower counts from accounts the employee connected through allauth (LinkedIn, X, Facebook).

The count at the moment of sharing becomes the share's potential reach. A connected count replaces a
typed one; where a network will not say (no permission, a revoked token), the last known count stays.
"""

import logging
from datetime import timedelta

from allauth.socialaccount.models import SocialAccount, SocialToken
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
    count = clients.follower_count(network, _valid_token(social_account, network))
    NetworkAudience.objects.update_or_create(
        employee_id=social_account.user_id, network=network,
        defaults={"followers": count, "source": NetworkAudience.Source.CONNECTED, "updated_at": timezone.now()},
    )
    return count


def connected_token(employee_id, network):
    """A usable access token of the employee's account connected on `network` (renewed if it had expired).
    Raises `TokenRevoked` when the employee has no connected account there, or its token cannot be used."""
    providers = [provider for provider, provider_network in PROVIDER_NETWORKS.items() if provider_network == network]
    account = SocialAccount.objects.filter(user_id=employee_id, provider__in=providers).order_by("-id").first()
    if account is None:
        raise clients.TokenRevoked(f"no {network} account connected")
    return _valid_token(account, network)


# Refresh a little before the network's deadline, so a token does not expire between here and the call.
EXPIRY_MARGIN = timedelta(minutes=2)


def _valid_token(social_account, network):
    """The account's access token; an expired X token is renewed with its refresh token (X's last two
    hours; `offline.access` gives a refresh token). Raises TokenRevoked when there is no usable token."""
    token = SocialToken.objects.filter(account=social_account).order_by("-id").first()
    if token is None:
        raise clients.TokenRevoked("no token for this connected account")
    if token.expires_at is None or token.expires_at > timezone.now() + EXPIRY_MARGIN:
        return token.token
    if network == Network.X and token.token_secret:  # allauth keeps an OAuth 2 refresh token there
        return _renew_x_token(token)
    raise clients.TokenRevoked("the connected account's token has expired: the employee must reconnect")


def _renew_x_token(token):
    from allauth.socialaccount.adapter import get_adapter

    app = token.app or get_adapter().get_app(None, provider="twitter_oauth2")  # a database app, or settings
    with clients.XClient("") as client:
        try:
            answer = client.refreshed_token(token.token_secret, app.client_id, app.secret)
        except clients.RequestRejected as refused:  # a refresh token revoked or already used
            raise clients.TokenRevoked(str(refused)) from refused
    token.token = answer["access_token"]
    token.token_secret = answer.get("refresh_token") or token.token_secret
    token.expires_at = timezone.now() + timedelta(seconds=int(answer.get("expires_in") or 7200))
    token.save(update_fields=["token", "token_secret", "expires_at"])
    return token.token


def forget_connection(social_account):
    """A disconnected account's last count stays, but becomes the employee's to edit."""
    network = PROVIDER_NETWORKS.get(social_account.provider)
    if network:
        NetworkAudience.objects.filter(employee_id=social_account.user_id, network=network).update(
            source=NetworkAudience.Source.TYPED
        )
