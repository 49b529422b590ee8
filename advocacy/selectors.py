"""Reads of the advocacy app: an employee's feed and their own figures."""

from datetime import date, datetime

from django.db.models import (
    Case,
    Count,
    DateField,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from content_library.models import Post, PostVariant

from .models import Click, Share, Team


def in_the_program(prefix="profile__"):
    """EmployeeProfile.is_advocate as a query: joined the program and not left since. `prefix` is the path to
    the profile from the model queried ("" when querying profiles themselves)."""
    return Q(**{f"{prefix}opted_in_at__isnull": False}) & (
        Q(**{f"{prefix}opted_out_at__isnull": True}) | Q(**{f"{prefix}opted_out_at__lt": F(f"{prefix}opted_in_at")})
    )

def lineage_ids(team_id):
    """A team and every team above it: a post targeted at any of them reaches this team's members."""
    parents = dict(Team.objects.values_list("id", "parent_id"))
    found = []
    while team_id is not None and team_id not in found:
        found.append(team_id)
        team_id = parents.get(team_id)
    return found


def shareable_posts_for(user, now=None):
    """Live, approved posts targeted at `user`: at their team or a team above it (or no team), at their
    location (or none: someone whose location is unknown gets only those), at their language (or none; an
    employee who has not chosen a language gets every language)."""
    profile = user.profile
    targets = Post.target_teams.through.objects.filter(post_id=OuterRef("pk"))
    my_teams = lineage_ids(profile.team_id) if profile.team_id else []
    location = profile.location.strip().lower()
    by_location = Q(target_locations="")
    if location:
        by_location |= Q(target_locations__contains=f",{location},")
    by_language = Q()
    if profile.language:
        by_language = Q(target_languages="") | Q(target_languages__contains=f",{profile.language},")
    return (
        Post.objects.live(now)
        .filter(~Exists(targets) | Exists(targets.filter(team_id__in=my_teams)))
        .filter(by_location, by_language)
    )


def feed_for(user, now=None):
    """Live, approved posts targeted at `user`, in their language first, newest first."""
    language = user.profile.language or ""
    return (
        shareable_posts_for(user, now)
        .select_related("campaign", "category")
        .prefetch_related(
            Prefetch("variants", queryset=PostVariant.objects.order_by("network")),
            "renditions",
            Prefetch("shares", queryset=Share.objects.filter(employee=user), to_attr="my_shares"),
        )
        .annotate(in_my_language=Case(When(language=language, then=Value(0)), default=Value(1),
                                      output_field=IntegerField()))
        .order_by("in_my_language", "-publish_at", "-id")
    )


def filter_feed(posts, filters):
    """Narrow a feed by the dashboard's filters: text search, campaign, category, type, network."""
    variants = PostVariant.objects.filter(post_id=OuterRef("pk"))
    if filters.get("q"):
        q = filters["q"]
        posts = posts.filter(
            Q(title__icontains=q) | Q(summary__icontains=q) | Q(hashtags__icontains=q) | Q(tags__icontains=q)
            | Exists(variants.filter(text__icontains=q))
        )
    if filters.get("campaign"):
        posts = posts.filter(campaign=filters["campaign"])
    if filters.get("category"):
        posts = posts.filter(category=filters["category"])
    if filters.get("type"):
        posts = posts.filter(content_type=filters["type"])
    if filters.get("network"):
        posts = posts.filter(Exists(variants.filter(network=filters["network"])))
    return posts


def month_start(now=None):
    today = timezone.localdate(now)
    return timezone.make_aware(datetime(today.year, today.month, 1))


def my_month_stats(user, now=None):
    """This month's shares, potential reach, clicks and unique clicks on the employee's own links."""
    start = month_start(now)
    shares = Share.objects.filter(employee=user, created_at__gte=start).aggregate(
        shares=Count("id"), potential_reach=Sum("potential_reach")
    )
    clicks = Click.objects.filter(link__employee=user, day__gte=start.date(), is_bot=False).aggregate(
        clicks=Count("id"), unique_clicks=Count("id", filter=Q(is_unique=True))
    )
    return {
        "shares": shares["shares"],
        "potential_reach": shares["potential_reach"] or 0,
        "clicks": clicks["clicks"],
        "unique_clicks": clicks["unique_clicks"],
    }


def my_shares(user):
    """The employee's shares, newest first, each with the clicks its tracked link brought.

    Raw clicks older than the retention period are deleted (advocacy.privacy.purge_old_clicks) once the KPI rollup
    has counted them: those days' clicks are read from the daily counts instead, so an old share keeps its figures.
    The purge's mark is read inside the same query (no mark: every click is still a raw row)."""
    from metrics.models import DailyStat

    from .models import RetentionMark

    purged_through = Subquery(RetentionMark.objects.filter(name=RetentionMark.CLICKS).values("purged_through")[:1],
                              output_field=DateField())
    clicks = (Click.objects.filter(link__employee=OuterRef("employee"), link__post=OuterRef("post"),
                                   link__network=OuterRef("network"), is_bot=False)
              .filter(day__gt=Coalesce(purged_through, Value(date.min))).order_by().values("link"))
    counted = (DailyStat.objects.filter(employee=OuterRef("employee"), post=OuterRef("post"),
                                        network=OuterRef("network"), day__lte=purged_through)
               .order_by().values("employee"))

    def total(rows, count):
        return Coalesce(Subquery(rows.annotate(n=count).values("n")), 0)

    return (
        Share.objects.filter(employee=user)
        .select_related("post")
        .annotate(
            clicks=total(clicks, Count("id")) + total(counted, Sum("clicks")),
            unique_clicks=total(clicks.filter(is_unique=True), Count("id")) + total(counted, Sum("unique_clicks")),
        )
        .order_by("-created_at", "-id")
    )
