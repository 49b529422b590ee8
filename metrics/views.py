import csv
from decimal import Decimal, InvalidOperation
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from advocacy.exports import text_cell
from advocacy.models import Team
from advocacy.networks import Network
from content_library.models import Campaign

from .calculator import reach_projection
from .report_cache import cached_monthly_report
from .selectors import Month, managed_team_ids, personal_report, report_months

LABELS = {
    "active_employees": _("Active employees"),
    "enrolled_advocates": _("Enrolled advocates"),
    "adoption_rate": _("Adoption rate"),
    "sharers": _("Sharers"),
    "participation_rate": _("Participation rate"),
    "shares": _("Shares"),
    "clicks": _("Clicks"),
    "unique_clicks": _("Unique clicks"),
    "potential_reach": _("Potential reach"),
    "impressions": _("Impressions"),
    "reactions": _("Reactions"),
    "comments": _("Comments"),
    "reshares": _("Reshares"),
    "engagements": _("Engagements"),
    "engagement_rate": _("Engagement rate"),
    "hashtag_mentions": _("Hashtag mentions"),
    "emv": _("Earned media value"),
    "program_cost": _("Program cost"),
    "roi": _("Return on investment"),
    "points": _("Points"),
}

report_permission = permission_required("metrics.view_kpi_report", raise_exception=True)


def sees_all_teams(user):
    return user.has_perm("metrics.view_all_teams_report")


@login_required
def report_index(request):
    return render(request, "metrics/report_index.html", {
        "months": report_months(), "personal": not request.user.has_perm("metrics.view_kpi_report"),
    })


def _month_from(text):
    try:
        month = Month.parse(text)
    except ValueError:
        raise Http404 from None
    today = timezone.localdate()
    if (month.year, month.month) > (today.year, today.month):
        raise Http404
    return month


def _chosen(request, name, model):
    value = request.GET.get(name)
    if not value:
        return None
    if not (value.isascii() and value.isdigit()) or len(value) > 18:
        raise Http404
    try:
        return model.objects.get(pk=int(value))
    except model.DoesNotExist:
        raise Http404 from None


def _network_from(request):
    network = request.GET.get("network") or ""
    if network and network not in Network.values:
        raise Http404
    return network


@login_required
def monthly_report_view(request, month):
    month = _month_from(month)
    output = request.GET.get("format") or "html"
    if output not in ("html", "csv", "print"):
        raise Http404
    if not request.user.has_perm("metrics.view_kpi_report"):
        return _personal(request, month)

    team = _chosen(request, "team", Team)
    campaign = _chosen(request, "campaign", Campaign)
    network = _network_from(request)
    contributors_team_ids = None
    teams = Team.objects.order_by("name")
    if not sees_all_teams(request.user):
        # A manager: the company's totals, and only their own teams broken down and named.
        contributors_team_ids = managed_team_ids(request.user)
        if team is not None and team.pk not in contributors_team_ids:
            raise PermissionDenied
        teams = teams.filter(pk__in=contributors_team_ids)
        if team is not None:
            contributors_team_ids = None
    report = cached_monthly_report(month, team, campaign, network, contributors_team_ids=contributors_team_ids)
    if output == "csv":
        return _as_csv(report)
    query = {key: value for key, value in (("team", team and team.pk), ("campaign", campaign and campaign.pk),
                                           ("network", network)) if value}
    template = "metrics/monthly_report_print.html" if output == "print" else "metrics/monthly_report.html"
    return render(request, template, {
        "report": report, "figure_groups": _grouped(report.figures), "teams": teams,
        "campaigns": Campaign.objects.order_by("-starts_on", "name"), "networks": Network.choices,
        "querystring": urlencode(query), "currency": settings.REPORT_CURRENCY,
        "previous_month": month.previous(),
        "next_month": month.next() if month.next().first_day <= timezone.localdate() else None,
        "chart_data": _chart_data(report),
    })


FIGURE_GROUPS = (
    (_("People"), ("active_employees", "enrolled_advocates", "adoption_rate", "sharers", "participation_rate")),
    (_("Activity"), ("shares", "clicks", "unique_clicks", "potential_reach", "hashtag_mentions")),
    (_("Engagement"), ("impressions", "reactions", "comments", "reshares", "engagements", "engagement_rate")),
    (_("Value"), ("emv", "program_cost", "roi")),
)


def _grouped(figures):
    return [(title, [(LABELS[key], figures[key]) for key in keys]) for title, keys in FIGURE_GROUPS]


def _personal(request, month):
    if request.GET.get("team") or request.GET.get("campaign") or request.GET.get("network"):
        raise PermissionDenied
    report = personal_report(month, request.user)
    return render(request, "metrics/personal_report.html", {
        "report": report, "figures": [(LABELS[key], figure) for key, figure in report["figures"].items()],
        "previous_month": month.previous(),
        "next_month": month.next() if month.next().first_day <= timezone.localdate() else None,
    })


def _chart_data(report):
    network_labels = dict(Network.choices)
    return {
        "days": [day["day"].isoformat() for day in report.daily],
        "shares": [day["shares"] for day in report.daily],
        "clicks": [day["clicks"] for day in report.daily],
        "networks": [str(network_labels.get(row["network"], row["network"])) for row in report.networks],
        "network_shares": [row["shares"] for row in report.networks],
        "network_clicks": [row["clicks"] for row in report.networks],
        "labels": {"shares": str(_("Shares")), "clicks": str(_("Clicks"))},
    }


def _as_csv(report):
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    suffix = "".join(
        part for part in (
            f"-team{report.filters.team.pk}" if report.filters.team else "",
            f"-campaign{report.filters.campaign.pk}" if report.filters.campaign else "",
            f"-{report.filters.network}" if report.filters.network else "",
        )
    )
    response["Content-Disposition"] = f'attachment; filename="kpi-report-{report.month}{suffix}.csv"'
    writer = csv.writer(response)
    writer.writerow(["metric", "value"])
    for key, figure in report.figures.items():
        writer.writerow([key, _csv_number(figure.value)])
    writer.writerow([])
    writer.writerow(["comparison", "metric", "value", "previous", "change"])
    for key, figure in report.figures.items():
        writer.writerow(["comparison", key, _csv_number(figure.value), _csv_number(figure.previous),
                         _csv_number(figure.change)])
    writer.writerow([])
    writer.writerow(["networks", "network", "shares", "clicks", "unique_clicks", "potential_reach", "impressions",
                     "engagements", "emv"])
    for row in report.networks:
        writer.writerow(["networks", row["network"], row["shares"], row["clicks"], row["unique_clicks"],
                         row["potential_reach"], row["impressions"], row["engagements"], _csv_number(row["emv"])])
    writer.writerow([])
    writer.writerow(["traffic_by_domain", "domain", "clicks"])
    for row in report.domains:
        writer.writerow(["traffic_by_domain", text_cell(row["domain"]), row["clicks"]])
    writer.writerow([])
    writer.writerow(["daily", "day", "shares", "clicks", "unique_clicks"])
    for row in report.daily:
        writer.writerow(["daily", row["day"].isoformat(), row["shares"], row["clicks"], row["unique_clicks"]])
    writer.writerow([])
    writer.writerow(["top_contributors", "rank", "employee", "team", "points", "shares", "clicks", "engagements"])
    for row in report.top_contributors:
        team = row["employee"].profile.team
        writer.writerow(["top_contributors", row["rank"], text_cell(row["employee"].email),
                         text_cell(team.name if team else ""), row["points"], row["shares"], row["clicks"],
                         row["engagements"]])
    writer.writerow([])
    writer.writerow(["top_teams", "rank", "team", "points", "shares", "clicks", "engagements"])
    for row in report.top_teams:
        writer.writerow(["top_teams", row["rank"], text_cell(row["team"].name), row["points"], row["shares"],
                         row["clicks"], row["engagements"]])
    writer.writerow([])
    writer.writerow(["top_content", "rank", "post_id", "title", "clicks", "shares", "engagements"])
    for row in report.top_content:
        writer.writerow(["top_content", row["rank"], row["post"].pk, text_cell(row["post"].title), row["clicks"],
                         row["shares"], row["engagements"]])
    if report.employee_of_the_month:
        writer.writerow([])
        writer.writerow(["employee_of_the_month", "employee", "citation"])
        writer.writerow(["employee_of_the_month", text_cell(report.employee_of_the_month.employee.email),
                         text_cell(report.employee_of_the_month.citation)])
    writer.writerow([])
    writer.writerow(["hashtag_mentions", "campaign", "hashtag", "mentions", "shares"])
    for row in report.hashtags:
        writer.writerow(["hashtag_mentions", text_cell(row["campaign"].name), text_cell("#" + row["campaign"].hashtag),
                         row["mentions"], row["shares"]])
    return response


def _csv_number(value):
    if value is None:
        return ""
    if isinstance(value, float | Decimal):
        return f"{value:.4f}"
    return str(value)


def _percent(request, name):
    """A percentage typed in the calculator (0 to 100), or None when absent or not one."""
    value = (request.GET.get(name) or "").strip().replace(",", ".")
    if not value:
        return None
    try:
        number = Decimal(value)
    except InvalidOperation:
        return "invalid"
    return number / 100 if number.is_finite() and 0 <= number <= 100 else "invalid"


@login_required
@report_permission
def reach_calculator(request):
    target = _percent(request, "adoption")
    errors = {}
    if target == "invalid":
        errors["adoption"] = _("Give a percentage between 0 and 100.")
        target = None
    projection = reach_projection(target_adoption=target)
    return render(request, "metrics/reach_calculator.html", {"projection": projection, "errors": errors,
                                                             "typed": request.GET.get("adoption", "")})
