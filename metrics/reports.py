"""The monthly report by e-mail: on the 1st, every manager (everyone who may read the KPI report) gets the
month's key figures and a link to the full report, in their language, once."""

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext

from .models import ReportDelivery
from .selectors import Month, monthly_report

logger = logging.getLogger(__name__)

KEY_FIGURES = ("shares", "clicks", "unique_clicks", "potential_reach", "engagements", "participation_rate",
               "adoption_rate", "emv")


def report_recipients():
    """Active people who may read the KPI report, through a role, their own permissions or as superuser."""
    permission = Permission.objects.get(content_type__app_label="metrics", codename="view_kpi_report")
    return (get_user_model().objects.filter(is_active=True)
            .filter(Q(groups__permissions=permission) | Q(user_permissions=permission) | Q(is_superuser=True))
            .exclude(email="").distinct().select_related("profile").order_by("pk"))


def send_monthly_reports(month=None):
    """E-mail `month`'s report (default: last month) to each recipient who has not had it. Returns a summary;
    raises after trying everyone if some could not be sent, so the job is retried for them only."""
    from .views import LABELS

    month = month or Month.containing(timezone.localdate()).previous()
    report = monthly_report(month)
    sent, failed = 0, []
    for user in report_recipients():
        try:
            with transaction.atomic():
                ReportDelivery.objects.create(month=month.first_day, recipient=user)
                _send(user, report, LABELS)
        except IntegrityError:  # sent already (this job ran before, or runs in parallel)
            continue
        except OSError as error:  # the mail server: the delivery row was rolled back, so a retry sends it
            logger.warning("monthly report not sent to user %s: %s", user.pk, error)
            failed.append(user.pk)
            continue
        sent += 1
    if failed:
        raise RuntimeError(f"monthly report {month}: {sent} sent, {len(failed)} could not be sent")
    return {"month": str(month), "sent": sent}


def _send(user, report, labels):
    language = getattr(getattr(user, "profile", None), "language", "") or settings.LANGUAGE_CODE
    link = settings.SITE_URL + reverse("monthly_report", args=[str(report.month)])
    with translation.override(language):
        figures = [(str(labels[key]), report.figures[key]) for key in KEY_FIGURES]
        month_name = date_format(report.month.first_day, "F Y")
        context = {"user": user, "report": report, "figures": figures, "link": link, "month_name": month_name,
                   "company": settings.COMPANY_NAME, "currency": settings.REPORT_CURRENCY}
        subject = gettext("Employee advocacy report: %(month)s") % {"month": month_name}
        text = render_to_string("metrics/email/monthly_report.txt", context)
        html = render_to_string("metrics/email/monthly_report.html", context)
    message = EmailMultiAlternatives(f"{settings.ACCOUNT_EMAIL_SUBJECT_PREFIX}{subject}", text, None, [user.email])
    message.attach_alternative(html, "text/html")
    message.send()
