"""The monthly KPI report, read from the rolled-up counts, per DESIGN.md.

Every figure is computed for the month and for the month before, with the same filters: a team (with its
sub-teams), a campaign, a network. People counts (active employees, enrolled advocates) depend on the team
only; points on the team (the employee's) only; everything else on all three filters.

The counts come from the totals the rollup keeps beside DailyStat (metrics.services): MonthlySummary for the
figures, networks, hashtags and teams' activity, DailySummary for the days, MonthlyStat for people's activity (and,
within a filter, sharers, content and domains), MonthlyEmployeeStat and MonthlyPostStat for the company's sharers,
content and domains, MonthlyPoints for the points. They hold the same sums as DailyStat and the ledger,
in far fewer rows.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from functools import lru_cache
from urllib.parse import urlsplit

from django.contrib.auth import get_user_model
from django.db.models import Count, F, Q, Sum
from django.utils import timezone

from advocacy.models import Team
from content_library.models import Campaign, Post
from guidelines.models import Acknowledgement, GuideVersion
from rewards.models import EmployeeOfTheMonth

from .models import (
    DailyPoints,
    DailyStat,
    DailySummary,
    MonthlyEmployeeStat,
    MonthlyPoints,
    MonthlyPostStat,
    MonthlyStat,
    MonthlySummary,
    NetworkRate,
    ProgramCost,
)
from .services import day_bounds

TOP_LIMIT = 20
TOP_TEAMS_LIMIT = 10
TOP_DOMAINS_LIMIT = 10


@dataclass(frozen=True)
class Month:
    year: int
    month: int

    @classmethod
    def parse(cls, text):
        """'2026-11' -> Month(2026, 11); ValueError on anything else."""
        year, month = text.split("-")
        if len(year) != 4 or len(month) != 2 or not (text.isascii() and year.isdigit() and month.isdigit()):
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

    def days(self):
        day = self.first_day
        while day <= self.last_day:
            yield day
            day += timedelta(days=1)

    def __str__(self):
        return f"{self.year:04d}-{self.month:02d}"


@dataclass
class Figure:
    key: str
    value: float | None
    previous: float | None
    is_rate: bool = False
    is_money: bool = False

    @property
    def change(self):
        if self.value is None or self.previous is None:
            return None
        return self.value - self.previous

    @property
    def change_percent(self):
        if self.is_rate or not self.previous or self.value is None:
            return None
        return (self.value - self.previous) / self.previous * 100


@dataclass(frozen=True)
class Filters:
    """What a report is restricted to; `team_ids` is the team with its sub-teams."""

    team: Team | None = None
    campaign: Campaign | None = None
    network: str = ""
    team_ids: frozenset | None = None

    @classmethod
    def of(cls, team=None, campaign=None, network=""):
        team_ids = frozenset(Team.subtree_ids([team.pk])) if team else None
        return cls(team=team, campaign=campaign, network=network or "", team_ids=team_ids)

    @property
    def any(self):
        return bool(self.team or self.campaign or self.network)

    def restrict(self, counts):
        """`counts` (rows of DailySummary, MonthlySummary or MonthlyStat) restricted to the team, campaign and
        network."""
        if self.team_ids is not None:
            counts = counts.filter(team_id__in=self.team_ids)
        if self.campaign is not None:
            counts = counts.filter(campaign_id=self.campaign.pk)
        if self.network:
            counts = counts.filter(network=self.network)
        return counts

    def daily_summary(self, month):
        return self.restrict(DailySummary.objects.filter(day__gte=month.first_day, day__lte=month.last_day))

    def monthly_summary(self, month):
        return self.restrict(MonthlySummary.objects.filter(month=month.first_day))

    def monthly(self, month):
        return self.restrict(MonthlyStat.objects.filter(month=month.first_day))


@dataclass
class Report:
    month: Month
    filters: Filters
    figures: dict
    daily: list = field(default_factory=list)
    networks: list = field(default_factory=list)
    domains: list = field(default_factory=list)
    top_contributors: list = field(default_factory=list)
    top_teams: list = field(default_factory=list)
    top_content: list = field(default_factory=list)
    hashtags: list = field(default_factory=list)
    contributors_team_ids: frozenset | None = None
    employee_of_the_month: object = None

    @property
    def team(self):
        return self.filters.team


SUMMED = ("shares", "clicks", "unique_clicks", "potential_reach", "impressions", "reactions", "comments",
          "reshares", "engagement_base", "hashtag_mentions")
RATES = {"adoption_rate", "participation_rate", "engagement_rate", "roi"}
MONEY = {"emv", "program_cost"}
# The figures of the report, in the order it shows them.
FIGURE_KEYS = (
    "active_employees", "enrolled_advocates", "adoption_rate", "sharers", "participation_rate", "shares",
    "clicks", "unique_clicks", "potential_reach", "impressions", "reactions", "comments", "reshares",
    "engagements", "engagement_rate", "hashtag_mentions", "emv", "program_cost", "roi",
)


def _ratio(numerator, denominator):
    return numerator / denominator if denominator else 0.0


def _people_counts(months, team_ids):
    """{month: (active employees, enrolled advocates) at the end of the month}, for every month in one pass
    over the employees."""
    User = get_user_model()
    ends = {month: month.bounds()[1] for month in months}
    active = User.objects.filter(is_active=True, date_joined__lt=max(ends.values()))
    if team_ids is not None:
        active = active.filter(profile__team_id__in=team_ids)
    published = list(GuideVersion.objects.filter(published_at__isnull=False).order_by("-version")
                     .values_list("pk", "published_at"))
    counts = {}
    for index, end in enumerate(ends.values()):
        # The guide in force at the end of the month: the latest version published before it.
        version = next((pk for pk, published_at in published if published_at < end), None)
        joined = Q(date_joined__lt=end)
        enrolled = joined & Q(profile__opted_in_at__lt=end) & (
            Q(profile__opted_out_at__isnull=True)
            | Q(profile__opted_out_at__gte=end)
            | Q(profile__opted_out_at__lt=F("profile__opted_in_at"))
        )
        if version is not None:
            # IN rather than EXISTS: one hashed pass over the version's signatures instead of a look-up per employee.
            enrolled &= Q(pk__in=Acknowledgement.objects.filter(version_id=version, signed_at__lt=end)
                          .values("employee_id"))
        counts[f"active_{index}"] = Count("pk", filter=joined)
        counts[f"enrolled_{index}"] = Count("pk", filter=enrolled)
    totals = active.aggregate(**counts)
    return {month: (totals[f"active_{index}"], totals[f"enrolled_{index}"]) for index, month in enumerate(ends)}


def _sharers(months, filters):
    """{month: employees with at least one share in the month}, in one query: from the month's rows per employee
    for the whole company, else from its MonthlyStat rows within the filters."""
    days = [month.first_day for month in months]
    if filters.any:
        rows = (filters.restrict(MonthlyStat.objects.filter(month__in=days, shares__gt=0)).values("month")
                .annotate(sharers=Count("employee_id", distinct=True)))
    else:
        rows = (MonthlyEmployeeStat.objects.filter(month__in=days, shares__gt=0).values("month")
                .annotate(sharers=Count("employee_id")))
    found = {row["month"]: row["sharers"] for row in rows.order_by()}
    return {month: found.get(month.first_day, 0) for month in months}


def media_rates():
    """{network: (CPM, CPC)} as set by comms in the admin; a network without rates is worth nothing."""
    return {rate.network: (rate.cpm, rate.cpc) for rate in NetworkRate.objects.all()}


def earned_media_value(impressions, clicks, rates):
    """EMV of one network's figures: impressions / 1000 × CPM + clicks × CPC."""
    cpm, cpc = rates or (Decimal(0), Decimal(0))
    return Decimal(impressions) / 1000 * cpm + Decimal(clicks) * cpc


def _per_network_and_campaign(months, filters):
    """Each month's sums per (network, campaign): {month: [{network, campaign_id, <SUMMED>}]}, in one query."""
    found = {month: [] for month in months}
    by_day = {month.first_day: month for month in months}
    for row in (filters.restrict(MonthlySummary.objects.filter(month__in=list(by_day)))
                .values("month", "network", "campaign_id").annotate(**{key: Sum(key) for key in SUMMED})
                .order_by("month", "network", "campaign_id")):
        found[by_day[row.pop("month")]].append({**row, **{key: row[key] or 0 for key in SUMMED}})
    return found


def _program_costs(months):
    by_day = {month.first_day: month for month in months}
    return {by_day[day]: amount
            for day, amount in ProgramCost.objects.filter(month__in=list(by_day)).values_list("month", "amount")}


def _figures(filters, rates, counts, people, sharers, cost):
    """A month's figures and its per-network breakdown, from its sums per (network, campaign), its people counts
    (active, enrolled), its sharers and the program's cost (None when not set)."""
    by_network = {}
    for row in counts:
        network = by_network.setdefault(row["network"], {"network": row["network"], **dict.fromkeys(SUMMED, 0)})
        for key in SUMMED:
            network[key] += row[key]
    per_network = [by_network[network] for network in sorted(by_network)]
    totals = dict.fromkeys(SUMMED, 0)
    emv = Decimal(0)
    for row in per_network:
        for key in SUMMED:
            totals[key] += row[key]
        row["engagements"] = row["reactions"] + row["comments"] + row["reshares"]
        row["emv"] = earned_media_value(row["impressions"], row["clicks"], rates.get(row["network"]))
        emv += row["emv"]
    active, enrolled = people
    engagements = totals["reactions"] + totals["comments"] + totals["reshares"]
    figures = {
        "active_employees": active,
        "enrolled_advocates": enrolled,
        "adoption_rate": _ratio(enrolled, active),
        "sharers": sharers,
        "participation_rate": _ratio(sharers, enrolled),
        **{key: totals[key] for key in SUMMED if key != "engagement_base"},
        "engagements": engagements,
        "engagement_rate": _ratio(engagements, totals["engagement_base"]),
        "emv": float(emv),
        "program_cost": None,
        "roi": None,
    }
    # The program's cost is the company's: its return is only read for the whole company.
    if not filters.any and cost is not None:
        figures["program_cost"] = float(cost)
        figures["roi"] = float((emv - cost) / cost) if cost else None
    return figures, per_network


def periods_figures(months, filters, rates):
    """{month: (its figures, its per-network breakdown)}, each kind of count read once for all the months;
    also each month's sums per (network, campaign) as a third item."""
    counts = _per_network_and_campaign(months, filters)
    people = _people_counts(months, filters.team_ids)
    sharers = _sharers(months, filters)
    costs = _program_costs(months) if not filters.any else {}
    return {month: (*_figures(filters, rates, counts[month], people[month], sharers[month], costs.get(month)),
                    counts[month])
            for month in months}


def period_figures(month, filters, rates):
    """The month's figures and its per-network breakdown."""
    figures, per_network, _counts = periods_figures([month], filters, rates)[month]
    return figures, per_network


def _daily(month, filters):
    rows = {
        row["day"]: row
        for row in filters.daily_summary(month).values("day")
        .annotate(shares=Sum("shares"), clicks=Sum("clicks"), unique_clicks=Sum("unique_clicks"))
    }
    return [
        {"day": day, "shares": rows.get(day, {}).get("shares") or 0, "clicks": rows.get(day, {}).get("clicks") or 0,
         "unique_clicks": rows.get(day, {}).get("unique_clicks") or 0}
        for day in month.days()
    ]


def _per_post(month, filters):
    """The month's clicks, shares and engagement per post: [{post_id, clicks, shares, reactions, …}]; from the
    month's rows per post for the whole company, else from its MonthlyStat rows within the filters."""
    counts = ("clicks", "shares", "reactions", "comments", "reshares")
    if not filters.any:
        return list(MonthlyPostStat.objects.filter(month=month.first_day).values("post_id", *counts))
    return list(
        filters.monthly(month).values("post_id").annotate(**{key: Sum(key) for key in counts}).order_by()
    )


@lru_cache(maxsize=20_000)
def _domain_of(url):
    """The host of a post's link, without `www.` (remembered: a company's posts are a few thousand links)."""
    return (urlsplit(url).hostname or "").removeprefix("www.")


def _domains(per_post_rows):
    """Clicks by the destination's domain (the post's link)."""
    per_post = {row["post_id"]: row["clicks"] for row in per_post_rows if row["clicks"]}
    domains = {}
    for post_id, url in Post.objects.filter(pk__in=list(per_post)).values_list("pk", "url"):
        domain = _domain_of(url)
        domains[domain] = domains.get(domain, 0) + per_post[post_id]
    ranked = sorted(domains.items(), key=lambda item: (-item[1], item[0]))
    return [{"domain": domain, "clicks": clicks} for domain, clicks in ranked[:TOP_DOMAINS_LIMIT]]


def _points_in(month, filters, restrict_to_team_ids=None):
    """Points earned in the month by employee (spending them on rewards, and getting them back, is not earning),
    for the employees of the filter's team (their team now) and of `restrict_to_team_ids`."""
    points = MonthlyPoints.objects.filter(month=month.first_day)
    for team_ids in (filters.team_ids, restrict_to_team_ids):
        if team_ids is not None:
            points = points.filter(employee__profile__team_id__in=team_ids)
    return points


def _activity(counts, field_name, ids):
    return {
        row[field_name]: row
        for row in counts.filter(**{f"{field_name}__in": ids})
        .values(field_name).annotate(shares=Sum("shares"), clicks=Sum("clicks"), reactions=Sum("reactions"),
                                     comments=Sum("comments"), reshares=Sum("reshares")).order_by()
    }


def _engagements(row):
    return (row.get("reactions") or 0) + (row.get("comments") or 0) + (row.get("reshares") or 0)


def top_contributors(month, filters, restrict_to_team_ids=None):
    """Employees ranked by points earned in the month, with their shares, clicks and engagements beside."""
    ranking = list(
        _points_in(month, filters, restrict_to_team_ids).filter(points__gt=0).values("employee_id", "points")
        .order_by("-points", "employee_id")[:TOP_LIMIT]
    )
    ids = [row["employee_id"] for row in ranking]
    activity = _activity(filters.monthly(month), "employee_id", ids)
    people = get_user_model().objects.select_related("profile__team").in_bulk(ids)
    rows = []
    for rank, row in enumerate(ranking, start=1):
        done = activity.get(row["employee_id"], {})
        rows.append({"rank": rank, "employee": people[row["employee_id"]], "points": row["points"],
                     "shares": done.get("shares") or 0, "clicks": done.get("clicks") or 0,
                     "engagements": _engagements(done)})
    return rows


def _top_teams(month, filters, restrict_to_team_ids=None):
    """Teams ranked by the points their members earned in the month."""
    ranking = list(
        _points_in(month, filters, restrict_to_team_ids).filter(employee__profile__team__isnull=False)
        .values("employee__profile__team_id").annotate(total=Sum("points")).filter(total__gt=0)
        .order_by("-total", "employee__profile__team_id")[:TOP_TEAMS_LIMIT]
    )
    ids = [row["employee__profile__team_id"] for row in ranking]
    activity = _activity(filters.monthly_summary(month), "team_id", ids)
    teams = Team.objects.in_bulk(ids)
    return [
        {"rank": rank, "team": teams[row["employee__profile__team_id"]], "points": row["total"],
         "shares": activity.get(row["employee__profile__team_id"], {}).get("shares") or 0,
         "clicks": activity.get(row["employee__profile__team_id"], {}).get("clicks") or 0,
         "engagements": _engagements(activity.get(row["employee__profile__team_id"], {}))}
        for rank, row in enumerate(ranking, start=1)
    ]


def _top_content(per_post_rows):
    """Posts ranked by clicks, with shares and engagements beside."""
    ranking = sorted(per_post_rows, key=lambda row: (-row["clicks"], -row["shares"], row["post_id"]))[:TOP_LIMIT]
    posts = Post.objects.in_bulk([row["post_id"] for row in ranking])
    return [
        {"rank": rank, "post": posts[row["post_id"]], "clicks": row["clicks"], "shares": row["shares"],
         "engagements": _engagements(row)}
        for rank, row in enumerate(ranking, start=1)
    ]


def _hashtags(counts):
    """Hashtag mentions per campaign: shares whose final text carries the campaign's hashtag; from the month's
    sums per (network, campaign)."""
    per_campaign = {}
    for row in counts:
        if row["campaign_id"] is not None:
            campaign = per_campaign.setdefault(row["campaign_id"], {"campaign_id": row["campaign_id"], "mentions": 0,
                                                                    "shares": 0})
            campaign["mentions"] += row["hashtag_mentions"]
            campaign["shares"] += row["shares"]
    rows = sorted((row for row in per_campaign.values() if row["shares"] > 0),
                  key=lambda row: (-row["mentions"], row["campaign_id"]))
    campaigns = Campaign.objects.in_bulk([row["campaign_id"] for row in rows])
    return [{"campaign": campaigns[row["campaign_id"]], "mentions": row["mentions"], "shares": row["shares"]}
            for row in rows]


def monthly_report(month, team=None, campaign=None, network="", contributors_team_ids=None):
    """Every KPI of the month beside the previous month's, with the breakdowns the report shows.

    `contributors_team_ids` limits the named people (top contributors) to those teams, for a manager
    reading the company's report."""
    filters = Filters.of(team, campaign, network)
    rates = media_rates()
    periods = periods_figures([month, month.previous()], filters, rates)
    (current, per_network, counts), (previous, _networks, _counts) = periods[month], periods[month.previous()]
    figures = {
        key: Figure(key, current[key], previous[key], is_rate=key in RATES, is_money=key in MONEY)
        for key in FIGURE_KEYS
    }
    per_post = _per_post(month, filters)
    return Report(
        month=month, filters=filters, figures=figures,
        daily=_daily(month, filters), networks=per_network, domains=_domains(per_post),
        top_contributors=top_contributors(month, filters, contributors_team_ids),
        top_teams=_top_teams(month, filters, contributors_team_ids), top_content=_top_content(per_post),
        hashtags=_hashtags(counts), contributors_team_ids=contributors_team_ids,
        employee_of_the_month=EmployeeOfTheMonth.objects.filter(month=month.first_day).select_related(
            "employee__profile__team").first(),
    )


PERSONAL_KEYS = ("shares", "clicks", "unique_clicks", "potential_reach", "impressions", "engagements",
                 "engagement_rate", "points")


def personal_report(month, employee):
    """An employee's own figures for the month beside the previous month's, and per post."""

    def period(period_month):
        stats = DailyStat.objects.filter(day__gte=period_month.first_day, day__lte=period_month.last_day,
                                         employee=employee)
        totals = {key: value or 0 for key, value in stats.aggregate(**{key: Sum(key) for key in SUMMED}).items()}
        points = MonthlyPoints.objects.filter(month=period_month.first_day, employee=employee)
        engagements = totals["reactions"] + totals["comments"] + totals["reshares"]
        return {
            **totals, "engagements": engagements,
            "engagement_rate": _ratio(engagements, totals["engagement_base"]),
            "points": points.values_list("points", flat=True).first() or 0,
        }

    current, previous = period(month), period(month.previous())
    figures = {key: Figure(key, current[key], previous[key], is_rate=key in RATES) for key in PERSONAL_KEYS}
    per_post = list(
        DailyStat.objects.filter(day__gte=month.first_day, day__lte=month.last_day, employee=employee)
        .values("post_id", "post__title").annotate(shares=Sum("shares"), clicks=Sum("clicks"),
                                                   unique_clicks=Sum("unique_clicks"), reactions=Sum("reactions"),
                                                   comments=Sum("comments"), reshares=Sum("reshares"))
        .order_by("-clicks", "post_id")
    )
    for row in per_post:
        row["engagements"] = _engagements(row)
    return {"month": month, "figures": figures, "per_post": per_post}


def report_months():
    """The months a report can be read for, newest first: from the first counted day (shares, clicks or points)
    to this month."""
    firsts = [model.objects.order_by("day").values_list("day", flat=True).first() for model in (DailyStat, DailyPoints)]
    first = min((day for day in firsts if day), default=None)
    this_month = Month.containing(timezone.localdate())
    month = Month.containing(first) if first else this_month
    months = []
    while (month.year, month.month) <= (this_month.year, this_month.month):
        months.append(month)
        month = month.next()
    return list(reversed(months))


def managed_team_ids(user):
    """The teams a manager manages, with their sub-teams."""
    return frozenset(Team.subtree_ids(list(user.managed_teams.values_list("pk", flat=True))))
