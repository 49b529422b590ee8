"""The monthly KPI report, read from the daily counts (and the points ledger), per DESIGN.md."""

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.db.models import Exists, F, OuterRef, Q, Sum
from django.utils import timezone

from advocacy.models import Team
from content_library.models import Post
from guidelines.models import Acknowledgement, GuideVersion
from rewards.models import PointsEntry

from .models import DailyStat
from .services import day_bounds

TOP_LIMIT = 20


@dataclass(frozen=True)
class Month:
    year: int
    month: int

    @classmethod
    def parse(cls, text):
        """'2026-11' -> Month(2026, 11); ValueError on anything else."""
        year, month = text.split("-")
        if len(year) != 4 or len(month) != 2:
            raise ValueError(text)
        parsed = cls(int(year), int(month))
        if not 1 <= parsed.month <= 12 or parsed.year < 2000:
            raise ValueError(text)
        return parsed

    @classmethod
    def containing(cls, day):
        return cls(day.year, day.month)

    @property
    def first_day(self):
        return date(self.year, self.month, 1)

    @property
    def last_day(self):
        return self.next().first_day - timedelta(days=1)

    def next(self):
        return Month(self.year + self.month // 12, self.month % 12 + 1)

    def previous(self):
        return Month(self.year - (self.month == 1), (self.month - 2) % 12 + 1)

    def bounds(self):
        """[start, end) as aware datetimes in the company's time zone."""
        return day_bounds(self.first_day)[0], day_bounds(self.last_day)[1]

    def __str__(self):
        return f"{self.year:04d}-{self.month:02d}"


@dataclass
class Figure:
    key: str
    value: float
    previous: float
    is_rate: bool = False

    @property
    def change(self):
        return self.value - self.previous

    @property
    def change_percent(self):
        if self.is_rate or not self.previous:
            return None
        return (self.value - self.previous) / self.previous * 100


@dataclass
class Report:
    month: Month
    team: Team | None
    figures: dict
    top_contributors: list = field(default_factory=list)
    top_content: list = field(default_factory=list)


def _ratio(numerator, denominator):
    return numerator / denominator if denominator else 0.0


def _people_counts(month, team_ids):
    """Active employees and enrolled advocates at the end of the month."""
    User = get_user_model()
    start, end = month.bounds()
    active = User.objects.filter(is_active=True, date_joined__lt=end)
    if team_ids is not None:
        active = active.filter(profile__team_id__in=team_ids)
    version = (
        GuideVersion.objects.filter(published_at__isnull=False, published_at__lt=end).order_by("-version").first()
    )
    enrolled = active.filter(profile__opted_in_at__lt=end).filter(
        Q(profile__opted_out_at__isnull=True)
        | Q(profile__opted_out_at__gte=end)
        | Q(profile__opted_out_at__lt=F("profile__opted_in_at"))
    )
    if version is not None:
        enrolled = enrolled.filter(
            Exists(Acknowledgement.objects.filter(employee=OuterRef("pk"), version=version, signed_at__lt=end))
        )
    return active.count(), enrolled.count()


def _period_figures(month, team_ids):
    stats = DailyStat.objects.filter(day__gte=month.first_day, day__lte=month.last_day)
    if team_ids is not None:
        stats = stats.filter(team_id__in=team_ids)
    totals = stats.aggregate(
        shares=Sum("shares"), clicks=Sum("clicks"), unique_clicks=Sum("unique_clicks"),
        potential_reach=Sum("potential_reach"),
    )
    sharers = stats.filter(shares__gt=0).values("employee_id").distinct().count()
    active, enrolled = _people_counts(month, team_ids)
    return {
        "active_employees": active,
        "enrolled_advocates": enrolled,
        "adoption_rate": _ratio(enrolled, active),
        "sharers": sharers,
        "participation_rate": _ratio(sharers, enrolled),
        "shares": totals["shares"] or 0,
        "clicks": totals["clicks"] or 0,
        "unique_clicks": totals["unique_clicks"] or 0,
        "potential_reach": totals["potential_reach"] or 0,
    }


RATES = {"adoption_rate", "participation_rate"}


def _top_contributors(month, team_ids):
    start, end = month.bounds()
    points = PointsEntry.objects.filter(created_at__gte=start, created_at__lt=end)
    if team_ids is not None:
        points = points.filter(employee__profile__team_id__in=team_ids)
    ranking = list(
        points.values("employee_id").annotate(points=Sum("points")).filter(points__gt=0)
        .order_by("-points", "employee_id")[:TOP_LIMIT]
    )
    ids = [row["employee_id"] for row in ranking]
    activity = {
        row["employee_id"]: row
        for row in DailyStat.objects.filter(day__gte=month.first_day, day__lte=month.last_day, employee_id__in=ids)
        .values("employee_id").annotate(shares=Sum("shares"), clicks=Sum("clicks"))
    }
    people = get_user_model().objects.select_related("profile__team").in_bulk(ids)
    return [
        {
            "rank": rank,
            "employee": people[row["employee_id"]],
            "points": row["points"],
            "shares": activity.get(row["employee_id"], {}).get("shares") or 0,
            "clicks": activity.get(row["employee_id"], {}).get("clicks") or 0,
        }
        for rank, row in enumerate(ranking, start=1)
    ]


def _top_content(month, team_ids):
    stats = DailyStat.objects.filter(day__gte=month.first_day, day__lte=month.last_day)
    if team_ids is not None:
        stats = stats.filter(team_id__in=team_ids)
    ranking = list(
        stats.values("post_id").annotate(clicks=Sum("clicks"), shares=Sum("shares"))
        .order_by("-clicks", "-shares", "post_id")[:TOP_LIMIT]
    )
    posts = Post.objects.in_bulk([row["post_id"] for row in ranking])
    return [
        {"rank": rank, "post": posts[row["post_id"]], "clicks": row["clicks"], "shares": row["shares"]}
        for rank, row in enumerate(ranking, start=1)
    ]


def monthly_report(month, team=None):
    """Every KPI of the month (for a team and its sub-teams, if given) beside the previous month's."""
    team_ids = Team.subtree_ids([team.pk]) if team else None
    current = _period_figures(month, team_ids)
    previous = _period_figures(month.previous(), team_ids)
    figures = {key: Figure(key, current[key], previous[key], is_rate=key in RATES) for key in current}
    return Report(
        month=month, team=team, figures=figures,
        top_contributors=_top_contributors(month, team_ids),
        top_content=_top_content(month, team_ids),
    )


def report_months():
    """The months a report can be read for, newest first: from the first counted day to this month."""
    first = DailyStat.objects.order_by("day").values_list("day", flat=True).first()
    this_month = Month.containing(timezone.localdate())
    month = Month.containing(first) if first else this_month
    months = []
    while (month.year, month.month) <= (this_month.year, this_month.month):
        months.append(month)
        month = month.next()
    return list(reversed(months))
