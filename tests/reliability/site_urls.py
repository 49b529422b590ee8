"""Every URL of the app, as the resolver lists it, with real objects of the world (world.py) for its arguments."""

import re

from django.contrib.auth.tokens import default_token_generator
from django.contrib.contenttypes.models import ContentType
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone


def url_patterns(resolver=None, prefix="", namespace=None, arguments=()):
    """(key, name, route, callback, argument names) for every pattern; key = the name, or the route if unnamed."""
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        route = prefix + str(pattern.pattern)
        names = arguments + tuple(pattern.pattern.regex.groupindex)
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from url_patterns(pattern, route, inner, names)
        elif isinstance(pattern, URLPattern):
            name = pattern.name and (f"{namespace}:{pattern.name}" if namespace else pattern.name)
            yield name or route, name, route, pattern.callback, names


PATTERNS = {key: (name, route, callback, names) for key, name, route, callback, names in url_patterns()}


def admin_model(key):
    """The model of an admin URL (by name "admin:<app>_<model>_<view>", or by route "admin/<app>/<model>/…")."""
    from django.contrib import admin

    for model in admin.site._registry:
        label = f"{model._meta.app_label}_{model._meta.model_name}"
        route = f"admin/{model._meta.app_label}/{model._meta.model_name}/"
        if key.startswith(f"admin:{label}_") or key.startswith(route):
            return model
    return None


def admin_object(key, world):
    model = admin_model(key)
    instance = world.objects.get(model) or (model and model.objects.order_by("pk").first())
    assert instance is not None, f"{key}: no {model} in the world: make one in tests/reliability/world.py"
    return instance


def argument(key, name, world):
    """A real value for the URL argument `name` of the URL `key`."""
    from allauth.account.models import EmailConfirmationHMAC
    from allauth.account.utils import user_pk_to_url_str

    from content_library.digest import unsubscribe_token

    employee = world.employee
    if key == "admin:view_on_site":
        return {"content_type_id": ContentType.objects.get_for_model(world.post).pk,
                "object_id": world.post.pk}[name]
    if key == "admin:auth_user_password_change":
        return employee.pk
    if key == "account_reset_password_from_key":
        return {"uidb36": user_pk_to_url_str(employee), "key": default_token_generator.make_token(employee)}[name]
    values = {
        "code": world.link.code, "post_id": world.post.pk, "network": "linkedin", "share_id": world.share.pk,
        "number": world.guide.version, "pk": world.capsule.pk, "month": timezone.localdate().strftime("%Y-%m"),
        "item_id": world.reward.pk, "raffle_id": world.raffle.pk, "provider_id": "linkedin",
        "request_id": world.erasure.pk,
        "app_label": "content_library", "url": "no-such-page/", "path": "posts/no-such-image.png",
        "slug": world.raffle.campaign.slug if key == "raffle_entrants" else world.campaign.slug,
        "token": unsubscribe_token(employee) if key == "digest_unsubscribe" else world.invitation.token,
        "key": EmailConfirmationHMAC(world.unverified_address).key,
    }
    if name == "object_id":
        return admin_object(key, world).pk
    assert name in values, f"{key}: no value for its argument {name!r}: add one in argument()"
    return values[name]


def url_of(key, world):
    name, route, _callback, arguments = PATTERNS[key]
    kwargs = {argument_name: argument(key, argument_name, world) for argument_name in arguments}
    if name:
        return reverse(name, kwargs=kwargs)
    path = route.replace("^", "").replace("$", "")
    for argument_name, value in kwargs.items():
        path = re.sub(rf"<(\w+:)?{argument_name}>|\(\?P<{argument_name}>[^)]*\)\.?\*?", str(value), path)
    return "/" + path
