"""Follower counts from accounts connected through allauth, else typed in (with the date)."""

import pytest
from allauth.socialaccount.models import SocialAccount, SocialApp, SocialToken
from allauth.socialaccount.signals import social_account_added, social_account_removed
from celery.exceptions import Retry
from django.urls import reverse
from django.utils import timezone

from advocacy.models import NetworkAudience
from advocacy.services import share_post
from advocacy.tasks import refresh_all_follower_counts, refresh_follower_count
from tests import factories
from tests.network_stub import Reply

pytestmark = pytest.mark.django_db

ME = "/2/users/me"


def connect_x(user, token="user-token"):
    account = SocialAccount.objects.create(user=user, provider="twitter_oauth2", uid=f"x-{user.pk}")
    app = SocialApp.objects.get_or_create(provider="twitter_oauth2", defaults={"name": "X", "client_id": "id"})[0]
    SocialToken.objects.create(account=account, app=app, token=token,
                               expires_at=timezone.now() + timezone.timedelta(hours=2))
    return account


def x_me(followers):
    return Reply(200, {"data": {"id": "2244994945", "name": "Ana", "username": "ana_perez",
                                "public_metrics": {"followers_count": followers, "following_count": 10,
                                                   "tweet_count": 300, "listed_count": 2, "like_count": 7}}})


class FakeSocialLogin:
    def __init__(self, account):
        self.account = account


def test_connecting_x_fetches_the_follower_count_and_it_becomes_the_reach(
        employee, live_post, network_api, django_capture_on_commit_callbacks):
    network_api.script(ME, x_me(1234))
    account = connect_x(employee)
    with django_capture_on_commit_callbacks(execute=True):
        social_account_added.send(sender=SocialAccount, request=None, sociallogin=FakeSocialLogin(account))

    audience = NetworkAudience.objects.get(employee=employee, network="x")
    assert (audience.followers, audience.source) == (1234, "connected")
    assert network_api.requests_to(ME)[0].headers["authorization"] == "Bearer user-token"
    assert share_post(employee, live_post, "x").share.potential_reach == 1234


def test_a_revoked_token_keeps_the_last_known_count(employee, network_api):
    NetworkAudience.objects.create(employee=employee, network="x", followers=80)
    network_api.script(ME, Reply(401, {"title": "Unauthorized", "type": "about:blank", "status": 401,
                                       "detail": "Unauthorized"}))
    assert refresh_follower_count.delay(connect_x(employee).pk).get() is None
    assert NetworkAudience.objects.get(employee=employee, network="x").followers == 80


def test_an_outage_or_a_rate_limit_is_retried_later(employee, network_api, settings):
    settings.NETWORK_API_MAX_ATTEMPTS = 1
    account = connect_x(employee)
    network_api.script(ME, Reply(503, "Service Unavailable"))
    with pytest.raises(Retry) as outage:
        refresh_follower_count.apply(args=[account.pk], throw=True)
    assert outage.value.when == 60  # the worker runs it again in a minute

    reset = int(timezone.now().timestamp()) + 300
    network_api.script(ME, Reply(429, {"title": "Too Many Requests", "detail": "Too Many Requests", "status": 429},
                                 headers={"x-rate-limit-remaining": "0", "x-rate-limit-reset": str(reset)}))
    with pytest.raises(Retry) as limited:
        refresh_follower_count.apply(args=[account.pk], throw=True)
    assert 295 <= limited.value.when <= 301  # when X says the window resets

    # Run in-process, the retry follows at once: the second attempt gets the count.
    network_api.script(ME, Reply(503, "Service Unavailable"), x_me(99))
    assert refresh_follower_count.apply(args=[account.pk], throw=False).get() == 99
    assert NetworkAudience.objects.get(employee=employee, network="x").followers == 99


def test_the_daily_refresh_updates_every_connected_account(network_api):
    people = [factories.AdvocateFactory() for _ in range(2)]
    for person in people:
        connect_x(person, token=f"token-{person.pk}")
    network_api.script(ME, x_me(10), x_me(20))
    assert refresh_all_follower_counts.delay().get() == 2
    assert sorted(NetworkAudience.objects.filter(network="x").values_list("followers", flat=True)) == [10, 20]


def test_disconnecting_keeps_the_count_for_the_employee_to_edit(employee):
    account = connect_x(employee)
    NetworkAudience.objects.create(employee=employee, network="x", followers=500, source="connected")
    social_account_removed.send(sender=SocialAccount, request=None, socialaccount=account)
    assert NetworkAudience.objects.get(employee=employee, network="x").source == "typed"


def test_profile_offers_to_connect_configured_networks_and_hides_typed_fields_they_fill(
        client, employee, settings):
    settings.SOCIALACCOUNT_PROVIDERS = {
        "twitter_oauth2": {"APPS": [{"client_id": "abc", "secret": "def"}]},
        "facebook": {"APPS": [{"client_id": "abc", "secret": "def"}], "METHOD": "oauth2"},
    }
    client.force_login(employee)
    page = client.get(reverse("profile")).content.decode()
    assert "Connect X" in page and "Connect Facebook" in page and "Connect LinkedIn" not in page

    settings.SOCIALACCOUNT_PROVIDERS = {"openid_connect": {"APPS": [{
        "provider_id": "linkedin", "name": "LinkedIn", "client_id": "abc", "secret": "def",
        "settings": {"server_url": "https://www.linkedin.com/oauth"},
    }]}, **settings.SOCIALACCOUNT_PROVIDERS}
    page = client.get(reverse("profile")).content.decode()
    assert "Connect LinkedIn" in page and 'action="/accounts/oidc/linkedin/login/?process=connect' in page
    assert 'name="x"' in page  # not connected yet: typed in

    connect_x(employee)
    NetworkAudience.objects.update_or_create(employee=employee, network="x",
                                             defaults={"followers": 4321, "source": "connected"})
    page = client.get(reverse("profile")).content.decode()
    assert "4321 followers, updated" in page and 'name="x"' not in page


def test_typed_counts_show_when_they_were_typed(client, employee):
    client.force_login(employee)
    client.post(reverse("profile"), {"linkedin": "1200"})
    page = client.get(reverse("profile")).content.decode()
    assert "Last updated" in page


def test_connected_accounts_never_sign_anyone_in(client, settings, rf):
    from allauth.core.exceptions import ImmediateHttpResponse
    from allauth.socialaccount.models import SocialLogin
    from django.contrib.messages.storage.fallback import FallbackStorage

    from advocacy.adapters import ConnectOnlySocialAdapter

    request = rf.get("/")
    request.session = client.session
    request._messages = FallbackStorage(request)
    login = SocialLogin(account=SocialAccount(provider="twitter_oauth2", uid="1"))
    login.state = {"process": "login"}
    with pytest.raises(ImmediateHttpResponse):
        ConnectOnlySocialAdapter(request).pre_social_login(request, login)
    assert not ConnectOnlySocialAdapter(request).is_open_for_signup(request, login)
    login.state = {"process": "connect"}
    ConnectOnlySocialAdapter(request).pre_social_login(request, login)  # connecting is fine


def test_an_expired_x_token_is_renewed_with_its_refresh_token(employee, network_api):
    account = connect_x(employee, token="old-token")
    SocialApp.objects.filter(provider="twitter_oauth2").update(secret="app-secret")
    SocialToken.objects.filter(account=account).update(
        token_secret="refresh-1", expires_at=timezone.now() - timezone.timedelta(hours=20))
    network_api.script("/2/oauth2/token", Reply(200, {
        "token_type": "bearer", "expires_in": 7200, "access_token": "new-token", "scope": "users.read tweet.read "
        "offline.access", "refresh_token": "refresh-2"}))
    network_api.script(ME, x_me(321))

    assert refresh_follower_count.delay(account.pk).get() == 321
    [renewal] = network_api.requests_to("/2/oauth2/token")
    assert renewal.headers["authorization"].startswith("Basic ")  # a confidential client authenticates
    assert network_api.requests_to(ME)[0].headers["authorization"] == "Bearer new-token"
    token = SocialToken.objects.get(account=account)
    assert (token.token, token.token_secret) == ("new-token", "refresh-2")
    assert token.expires_at > timezone.now() + timezone.timedelta(hours=1)


def test_a_refused_refresh_keeps_the_last_count(employee, network_api):
    NetworkAudience.objects.create(employee=employee, network="x", followers=80, source="connected")
    account = connect_x(employee)
    SocialToken.objects.filter(account=account).update(
        token_secret="used-up", expires_at=timezone.now() - timezone.timedelta(hours=1))
    network_api.script("/2/oauth2/token", Reply(400, {"error": "invalid_request",
                                                      "error_description": "Value passed for the token was invalid."}))
    assert refresh_follower_count.delay(account.pk).get() is None
    assert NetworkAudience.objects.get(employee=employee, network="x").followers == 80
    assert not network_api.requests_to(ME)


def test_an_expired_connection_that_cannot_be_renewed_asks_to_connect_again(client, employee, settings):
    settings.SOCIALACCOUNT_PROVIDERS = {
        "facebook": {"APPS": [{"client_id": "abc", "secret": "def"}], "METHOD": "oauth2"},
        "twitter_oauth2": {"APPS": [{"client_id": "abc", "secret": "def"}]},
    }
    facebook = SocialAccount.objects.create(user=employee, provider="facebook", uid="fb-1")
    SocialToken.objects.create(account=facebook, token="t", expires_at=timezone.now() - timezone.timedelta(days=1))
    x = connect_x(employee)
    SocialToken.objects.filter(account=x).update(token_secret="refresh", expires_at=timezone.now())
    client.force_login(employee)
    rows = {row["network"].value: row["expired"] for row in client.get(reverse("profile")).context["connectable"]}
    assert rows == {"facebook": True, "x": False}  # X renews its own token
    assert "The connection has expired" in client.get(reverse("profile")).content.decode()


def test_the_admin_never_shows_a_connected_accounts_token(client, employee):
    account = connect_x(employee, token="secret-access-token-1234")
    SocialToken.objects.filter(account=account).update(token_secret="secret-refresh-token-5678")
    token = SocialToken.objects.get(account=account)
    client.force_login(factories.UserFactory(is_staff=True, is_superuser=True))
    pages = [client.get(reverse("admin:socialaccount_socialtoken_changelist")),
             client.get(reverse("admin:socialaccount_socialtoken_change", args=[token.pk]))]
    for page in pages:
        assert page.status_code == 200
        text = page.content.decode()
        assert "secret-access-token" not in text and "secret-refresh-token" not in text
    assert client.get(reverse("admin:socialaccount_socialtoken_add")).status_code == 403
    # Deleting a token is how an administrator makes the employee connect again.
    assert client.post(reverse("admin:socialaccount_socialtoken_delete", args=[token.pk]),
                       {"post": "yes"}).status_code == 302
    assert not SocialToken.objects.filter(pk=token.pk).exists()
