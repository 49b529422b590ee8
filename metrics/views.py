import csv

from django.contrib.auth.decorators import login_required, permission_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from advocacy.exports import text_cell
from advocacy.models import Team

from .selectors import Month, monthly_report, report_months

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
}

report_permission = permission_required("metrics.view_kpi_report", raise_exception=True)


@login_required
@report_permission
def report_index(request):
    return render(request, "metrics/report_index.html", {"months": report_months()})


def _team_from(request):
    team_id = request.GET.get("team")
    if not team_id:
        return None
    if not (team_id.isascii() and team_id.isdigit()):
        raise Http404
    try:
        return Team.objects.get(pk=int(team_id))
    except Team.DoesNotExist:
        raise Http404 from None


@login_required
@report_permission
def monthly_report_view(request, month):
    try:
        month = Month.parse(month)
    except ValueError:
        raise Http404 from None
    if (month.year, month.month) > (timezone.localdate().year, timezone.localdate().month):
        raise Http404
    team = _team_from(request)
    report = monthly_report(month, team)
    if request.GET.get("format") == "csv":
        return _as_csv(report)
    if request.GET.get("format"):
        raise Http404
    figures = [(LABELS[key], figure) for key, figure in report.figures.items()]
    return render(request, "metrics/monthly_report.html", {
        "report": report, "figures": figures, "teams": Team.objects.order_by("name"),
        "previous_month": month.previous(), "next_month": month.next(),
    })


def _as_csv(report):
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    suffix = f"-team{report.team.pk}" if report.team else ""
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
    writer.writerow(["top_contributors", "rank", "employee", "team", "points", "shares", "clicks"])
    for row in report.top_contributors:
        team = row["employee"].profile.team
        writer.writerow(["top_contributors", row["rank"], text_cell(row["employee"].email),
                         text_cell(team.name if team else ""), row["points"], row["shares"], row["clicks"]])
    writer.writerow([])
    writer.writerow(["top_content", "rank", "post_id", "title", "clicks", "shares"])
    for row in report.top_content:
        writer.writerow(["top_content", row["rank"], row["post"].pk, text_cell(row["post"].title), row["clicks"],
                         row["shares"]])
    return response


def _csv_number(value):
    return f"{value:.4f}" if isinstance(value, float) else str(value)
