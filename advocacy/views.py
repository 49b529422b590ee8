import logging
from collections import OrderedDict
from urllib.parse import urlencode

import redis
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import connection, transaction
from django.db.models import Q
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from content_library.models import Post
from guidelines.rules import check_share_text
from guidelines.selectors import current_version, sharing_gate
from rewards.selectors import balance

from . import selectors, services
from .adapters import INVITATION_SESSION_KEY
from .audience import PROVIDER_NETWORKS
from .forms import FeedFilterForm, FollowersForm, JoinProgramForm, SuggestionForm
from .models import CODE_LENGTH, NetworkAudience, Share, TrackedLink
from .networks import PUBLISHED_URL_NETWORKS, SHARE_TARGETS, SHAREABLE_NETWORKS, Network
from .selectors import feed_for, my_month_stats

logger = logging.getLogger(__name__)

FEED_PAGE_SIZE = 12


class ShareIntentRedirect(HttpResponseRedirect):
    """A redirect to a network's composer; e-mail shares open the mail client."""

    allowed_schemes = ["https", "mailto"]


@login_required
def dashboard(request):
    profile = request.user.profile
    filter_form = FeedFilterForm(request.GET or None)
    filters = filter_form.filters() if request.GET else {}
    feed = selectors.filter_feed(feed_for(request.user), filters)
    page = Paginator(feed, FEED_PAGE_SIZE).get_page(request.GET.get("page"))
    gate = sharing_gate(request.user) if profile.is_advocate else None
    seen_at = profile.feed_seen_at
    # The next visit marks as new what is published from now on.
    type(profile).objects.filter(pk=profile.pk).update(feed_seen_at=timezone.now())
    return render(request, "advocacy/dashboard.html", {
        "profile": profile,
        "page": page,
        "share_targets": SHARE_TARGETS,
        "can_share": gate is not None and gate.may_share,
        "published_url_networks": PUBLISHED_URL_NETWORKS,
        "stats": my_month_stats(request.user),
        "recent_shares": selectors.my_shares(request.user)[:5],
        "my_suggestions": request.user.suggestions.order_by("-created_at")[:3],
        "filter_form": filter_form, "filtered": bool(filters), "seen_at": seen_at,
        "filter_params": (lambda kept: f"{urlencode(kept)}&" if kept else "")(
            [(name, value) for name, value in request.GET.items() if name != "page" and value]
        ),
        "points": balance(request.user),
        "gate": gate,
    })


# Longer than any network takes: refused before any work is done.
MAX_SHARE_TEXT = 70_000


def _wants_json(request):
    return "application/json" in request.headers.get("Accept", "")


def _shareable_post(post_id, network, user=None):
    """The post, if it exists (and, given `user`, is live and targeted at them); else a 404."""
    if network not in SHAREABLE_NETWORKS:
        raise Http404
    posts = selectors.shareable_posts_for(user) if user is not None else Post.objects.all()
    return get_object_or_404(posts, pk=post_id)


@login_required
@require_POST
def share(request, post_id, network):
    """Record the share and open the network's composer (or, for "other", hand back the text to copy)."""
    post = _shareable_post(post_id, network)
    text = request.POST.get("text")  # only the composer sends an edited text
    if text is not None and len(text) > MAX_SHARE_TEXT:
        refusal = services.ShareRefused(_("This text is too long to share anywhere."))
    else:
        try:
            result = services.share_post(request.user, post, network, text=text)
            refusal = None
        except services.ShareRefused as error:
            refusal = error
    if refusal is not None:
        if _wants_json(request):
            return JsonResponse({
                "error": refusal.message, "action_url": refusal.action_url,
                "check": refusal.check.as_dict() if refusal.check else None,
            }, status=400 if refusal.check else 403)
        if text is not None and refusal.check is not None:
            return _render_composer(request, post, network, text, refusal.check, status=400)
        messages.error(request, refusal.message)
        return redirect(refusal.action_url or "dashboard")
    if _wants_json(request):
        return JsonResponse({
            "title": post.title, "text": result.share.text, "link": result.link.short_url,
            "intent_url": result.intent_url,
        })
    if result.intent_url is None:
        return render(request, "advocacy/share_copy.html", {
            "post": post, "text": result.share.text, "link": result.link.short_url,
        })
    return ShareIntentRedirect(result.intent_url)


def _placeholder_link():
    """A link as long as a real tracked link, for counting characters before one is minted."""
    return f"{settings.SITE_URL}/s/{'x' * CODE_LENGTH}"


def _render_composer(request, post, network, text, check, status=200):
    version = current_version()
    return render(request, "advocacy/compose.html", {
        "post": post,
        "network": Network(network),
        "text": text,
        "check": check,
        "version": version,
        "composer_networks": [Network(code) for code in SHAREABLE_NETWORKS],
        "takes_text": next((target.takes_text for target in SHARE_TARGETS if target.network == network), True),
        "gate": sharing_gate(request.user),
        "profile": request.user.profile,
    }, status=status)


@login_required
@require_GET
def compose(request, post_id, network):
    """Edit the text before sharing, checked live against the usage guide's rules."""
    post = _shareable_post(post_id, network, request.user)
    text = post.text_for(network)
    check = check_share_text(text, network, _placeholder_link(), current_version())
    return _render_composer(request, post, network, text, check)


@login_required
@require_POST
def check_text(request, post_id, network):
    """The live check of the composer: length and the guide's findings, as JSON."""
    _shareable_post(post_id, network, request.user)
    if not request.user.profile.is_advocate:
        return JsonResponse({"error": _("Join the advocacy program to share posts.")}, status=403)
    text = request.POST.get("text", "")
    if len(text) > MAX_SHARE_TEXT:
        return JsonResponse({"error": _("This text is too long to share anywhere.")}, status=400)
    return JsonResponse(check_share_text(text, network, _placeholder_link(), current_version()).as_dict())


@login_required
def suggest(request):
    """Suggest a link or an idea for the library; see what comms decided about my earlier ones."""
    from content_library.models import Suggestion
    from content_library.services import suggest as make_suggestion

    if request.method == "POST":
        form = SuggestionForm(request.POST)
        if form.is_valid():
            make_suggestion(request.user, form.cleaned_data["note"], form.cleaned_data["url"])
            messages.success(request, _("Thank you! Communications will look at your suggestion."))
            return redirect("suggest")
    else:
        form = SuggestionForm()
    return render(request, "advocacy/suggest.html", {
        "form": form, "suggestions": Suggestion.objects.filter(employee=request.user).select_related("post")[:50],
    })


@csrf_exempt  # the signed token is the authority; mail clients' one-click unsubscribe POSTs without a form
@require_http_methods(["GET", "POST"])
def digest_unsubscribe(request, token):
    """One click from the e-mail, signed in or not: the page asks, the button (or a mail client's one-click
    POST) unsubscribes. Nothing else can be done with the token."""
    from content_library.digest import user_from_token

    user = user_from_token(token)
    if user is None:
        raise Http404
    if request.method == "POST":
        type(user.profile).objects.filter(user=user, digest_unsubscribed_at__isnull=True).update(
            digest_unsubscribed_at=timezone.now())
        return render(request, "content_library/digest_unsubscribed.html", {"email": user.email})
    return render(request, "content_library/digest_unsubscribe.html", {"email": user.email, "token": token})


@login_required
def my_shares(request):
    """Everything I shared, with the clicks each link brought, and 'I posted it' to paste my post's URL."""
    page = Paginator(selectors.my_shares(request.user), 20).get_page(request.GET.get("page"))
    return render(request, "advocacy/my_shares.html", {
        "page": page, "published_url_networks": PUBLISHED_URL_NETWORKS,
    })


@login_required
@require_POST
def record_published(request, share_id):
    get_object_or_404(Share, pk=share_id, employee=request.user)
    try:
        services.record_published_url(request.user, share_id, request.POST.get("url", ""))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Thanks! We will follow how your post does."))
    return redirect(reverse("my_shares") + f"#share-{share_id}")


# code → (link id, destination), per process. A link's destination is fixed when it is minted and links
# are never edited, so an entry cannot go stale; unknown codes are not remembered (a link minted a moment
# later must work). Bounded, oldest out first.
_LINK_CACHE = OrderedDict()
_LINK_CACHE_SIZE = 50_000


def _resolve_link(code):
    found = _LINK_CACHE.get(code)
    if found is None:
        if len(code) > 16:
            return None
        found = TrackedLink.objects.filter(code=code).values_list("id", "destination").first()
        if found is None:
            return None
        _LINK_CACHE[code] = found
        if len(_LINK_CACHE) > _LINK_CACHE_SIZE:
            _LINK_CACHE.popitem(last=False)
    return found


# What never_cache sets, written once: a redirect that counts must never be served from a cache.
_NO_CACHE_HEADERS = {
    "Cache-Control": "max-age=0, no-cache, no-store, must-revalidate, private",
    "Expires": "Thu, 01 Jan 1970 00:00:00 GMT",
    "Referrer-Policy": "no-referrer-when-downgrade",
    "X-Robots-Tag": "noindex",
}


@require_http_methods(["GET", "HEAD"])
def tracked_redirect(request, code):
    """302 to the link's stored destination, whatever the request says; every request is recorded.

    The hot path of the product (see bench/): the link is remembered by the process, the click is one
    statement, and the headers are set directly.
    """
    link = _resolve_link(code)
    if link is None:
        raise Http404
    link_id, destination = link
    meta = request.META
    try:
        services.record_click(
            link_id,
            ip=services.client_ip(meta),
            user_agent=meta.get("HTTP_USER_AGENT", ""),
            referrer=meta.get("HTTP_REFERER", ""),
            method=request.method,
            headers={"Sec-Purpose": meta.get("HTTP_SEC_PURPOSE", ""), "Purpose": meta.get("HTTP_PURPOSE", ""),
                     "X-Moz": meta.get("HTTP_X_MOZ", "")},
        )
    except Exception:  # the visitor still gets where they were going
        logger.exception("could not record a click on link %s", link_id)
    response = HttpResponseRedirect(destination, headers=_NO_CACHE_HEADERS)
    return response


@login_required
def join_program(request):
    profile = request.user.profile
    if request.method == "POST":
        form = JoinProgramForm(request.POST)
        if form.is_valid():
            services.opt_in(request.user)
            messages.success(request, _("Welcome to the advocacy program!"))
            return redirect("dashboard")
    else:
        form = JoinProgramForm()
    return render(request, "advocacy/join.html", {"form": form, "profile": profile})


@login_required
@require_POST
def leave_program(request):
    services.opt_out(request.user)
    messages.info(request, _("You have left the advocacy program. You can join again at any time."))
    return redirect("dashboard")


def _connectable_networks(request):
    """The networks whose accounts can be connected here (credentials configured), with my connection."""
    from allauth.socialaccount.adapter import get_adapter as get_social_adapter
    from allauth.socialaccount.models import SocialAccount, SocialToken

    mine = {account.provider: account for account in SocialAccount.objects.filter(user=request.user)}
    # A connection whose token has run out (and cannot be renewed, unlike X's) must be made again.
    stale = set(
        SocialToken.objects.filter(account__user=request.user, expires_at__lte=timezone.now())
        .exclude(Q(account__provider="twitter_oauth2") & ~Q(token_secret=""))
        .values_list("account__provider", flat=True)
    )
    audiences = {audience.network: audience for audience in request.user.audiences.all()}
    rows = []
    for provider in get_social_adapter().list_providers(request):
        # sub_id is what connected accounts store: "linkedin" for LinkedIn's OpenID Connect app.
        network = PROVIDER_NETWORKS.get(provider.sub_id)
        if network is None:
            continue
        rows.append({
            "network": Network(network),
            "account": mine.get(provider.sub_id),
            "audience": audiences.get(network) if provider.sub_id in mine else None,
            "expired": provider.sub_id in stale,
            "connect_url": provider.get_login_url(request, process="connect", next=reverse("profile")),
        })
    return rows


@login_required
def profile(request):
    if request.method == "POST":
        form = FollowersForm(request.POST, user=request.user)
        if form.is_valid():
            with transaction.atomic():
                for network, followers in form.cleaned_data.items():
                    if followers is None:
                        NetworkAudience.objects.filter(employee=request.user, network=network).delete()
                    else:
                        NetworkAudience.objects.update_or_create(
                            employee=request.user, network=network,
                            defaults={"followers": followers, "source": NetworkAudience.Source.TYPED,
                                      "updated_at": timezone.now()},
                        )
            messages.success(request, _("Your follower counts are saved."))
            return redirect("profile")
    else:
        form = FollowersForm(user=request.user)
    return render(request, "advocacy/profile.html", {
        "form": form, "profile": request.user.profile, "connectable": _connectable_networks(request),
    })


@require_POST
def switch_language(request):
    """Switch the interface language; a signed-in employee's choice is kept on their profile."""
    language = request.POST.get("language", "")
    if language not in dict(settings.LANGUAGES):
        language = settings.LANGUAGE_CODE
    next_url = request.POST.get("next") or "/"
    # Back to a page of this site: a path (never a view name, another host, or a header-splitting line break).
    if not (next_url.startswith("/") and next_url.isprintable()
            and url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure())):
        next_url = "/"
    if request.user.is_authenticated:
        type(request.user.profile).objects.filter(user=request.user).update(language=language)
    translation.activate(language)
    response = HttpResponseRedirect(next_url)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME, language, max_age=365 * 24 * 3600, samesite="Lax",
        secure=settings.LANGUAGE_COOKIE_SECURE, httponly=False,
    )
    return response


def accept_invitation(request, token):
    """Following an invitation link lets that one address sign up, already verified."""
    invitation = services.find_open_invitation(token)
    if invitation is None:
        raise Http404
    request.session[INVITATION_SESSION_KEY] = invitation.token
    messages.info(request, _("You were invited to join. Sign up with %(email)s.") % {"email": invitation.email})
    return redirect(reverse("account_signup"))


@never_cache
@require_GET
def healthz(request):
    """Liveness: 200 when the database answers, 503 when it does not; the broker's state is reported."""
    state = {"database": "ok", "broker": "in-process"}
    status = 200
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as error:  # any failure to reach the database is "down"
        state["database"] = f"error: {type(error).__name__}"
        status = 503
    if settings.REDIS_URL:
        try:
            redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=1, socket_timeout=1).ping()
            state["broker"] = "ok"
        except Exception as error:  # the app still serves pages and clicks without Redis
            state["broker"] = f"error: {type(error).__name__}"
    state["status"] = "ok" if status == 200 else "unavailable"
    return JsonResponse(state, status=status)

