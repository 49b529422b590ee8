"""Each network's limit is enforced where the text is typed."""

import pytest
from django.core.exceptions import ValidationError

from content_library.models import PostVariant
from tests import factories

pytestmark = pytest.mark.django_db


def test_an_x_text_over_280_with_the_tracked_link_is_refused_where_it_is_typed():
    post = factories.PostFactory(texts={"other": "Something"})
    PostVariant(post=post, network="x", text="a" * 256).full_clean()  # 256 + space + 23 for the link
    with pytest.raises(ValidationError, match="Too long for X: 281 of 280"):
        PostVariant(post=post, network="x", text="a" * 257).full_clean()
    # A link in the text counts 23 too, however long it is.
    PostVariant(post=post, network="x", text="Read https://www.example.com/" + "x" * 300 + " now").full_clean()


def test_other_networks_have_their_own_limits_and_email_none():
    post = factories.PostFactory(texts={"other": "Something"})
    with pytest.raises(ValidationError, match="Too long for Bluesky"):
        PostVariant(post=post, network="bluesky", text="b" * 290).full_clean()
    with pytest.raises(ValidationError, match="Too long for Instagram"):
        PostVariant(post=post, network="instagram", text="i" * 2200).full_clean()
    PostVariant(post=post, network="email", text="e" * 100_000).full_clean()


@pytest.mark.parametrize("typed, stored", [
    ("  HTTPS://WWW.Example.COM:443/News?lang=ES#  ", "https://www.example.com/News?lang=ES"),
    ("http://example.com", "http://example.com/"),
    ("https://example.com:8443/a", "https://example.com:8443/a"),
    ("https://[2001:DB8::1]/x", "https://[2001:db8::1]/x"),
])
def test_destination_urls_are_normalised(typed, stored):
    post = factories.PostFactory(url=typed)
    post.full_clean()
    assert post.url == stored


@pytest.mark.parametrize("bad", ["javascript:alert(1)", "ftp://example.com/file", "https://", "not a url"])
def test_only_http_and_https_destinations(bad):
    post = factories.PostFactory.build(url=bad)
    with pytest.raises(ValidationError) as error:
        post.full_clean(exclude=["campaign", "created_by"])
    assert "url" in error.value.message_dict
