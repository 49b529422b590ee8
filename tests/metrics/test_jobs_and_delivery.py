"""The rollup's recovery after a crash, the record of each scheduled job, the monthly e-mail, the reach
calculator."""

from datetime import date, datetime, timedelta
from unittest import mock

import pytest
from django.core import mail
from django.utils import timezone

from advocacy.models import Share
from advocacy.services import share_post
from metrics import services
from metrics.models import DailyStat, FillState, JobRun, ReportDelivery
from metrics.reports import send_monthly_reports
from metrics.selectors import Month
from metrics.services import fill_daily_stats
from metrics.tasks import roll_up_daily_stats, send_monthly_report_task
from tests import factories

pytestmark = pytest.mark.django_db


def shares_on(days):
    """One share per given day (days ago), each by a new advocate."""
    post = factories.PostFactory()
    for days_ago in days:
        result = share_post(factories.AdvocateFactory(), post, "linkedin")
        Share.objects.filter(pk=result.share.pk).update(created_at=timezone.now() - timedelta(days=days_ago))


class Killed(Exception):
    pass


def test_a_rollup_killed_halfway_leaves_whole_days_and_the_next_run_completes_it():
    shares_on([5, 4, 3, 2])
    real_compute = services.compute_day
    killed_on = timezone.localdate() - timedelta(days=3)

    def dies_on_the_third_day(day):
        if day == killed_on:
            raise Killed
        return real_compute(day)

    with mock.patch.object(services, "compute_day", dies_on_the_third_day), pytest.raises(Killed):
        fill_daily_stats()
    state = FillState.objects.get(name="daily_stats")
    # The two days before the crash are complete, and the watermark says so; nothing after them was written.
    assert state.filled_until == killed_on - timedelta(days=1)
    assert sorted(DailyStat.objects.values_list("day", "shares")) == [
        (killed_on - timedelta(days=2), 1), (killed_on - timedelta(days=1), 1)]

    fill_daily_stats()
    assert DailyStat.objects.filter(shares=1).count() == 4
    assert FillState.objects.get(name="daily_stats").filled_until == timezone.localdate() - timedelta(days=1)


def test_a_day_is_never_counted_twice_by_reruns_and_backfills():
    shares_on([3, 3, 1])
    fill_daily_stats()
    fill_daily_stats()
    services.refill_days(timezone.localdate() - timedelta(days=5), timezone.localdate())
    assert sum(DailyStat.objects.values_list("shares", flat=True)) == 3


def test_compute_kpis_backfills_a_range_and_refuses_bad_dates(capsys):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    shares_on([6, 2])
    first = (timezone.localdate() - timedelta(days=7)).isoformat()
    call_command("compute_kpis", "--from", first, "--to", timezone.localdate().isoformat())
    assert "Recomputed" in capsys.readouterr().out
    assert DailyStat.objects.count() == 2
    for arguments in (["--from", "2026-05-02", "--to", "2026-05-01"], ["--date", "yesterday"],
                      ["--date", "2026-01-01", "--from", "2026-01-01"]):
        with pytest.raises(CommandError):
            call_command("compute_kpis", *arguments)


def test_each_scheduled_job_run_is_recorded_with_what_it_did():
    shares_on([1])
    roll_up_daily_stats.apply()
    run = JobRun.objects.get(job="metrics.tasks.roll_up_daily_stats")
    assert run.state == JobRun.State.SUCCEEDED and run.finished_at is not None
    assert "1 row(s)" in run.summary


def test_a_failed_job_run_is_recorded_with_its_error():
    # As a worker does: the error is handled by Celery (retried with backoff), not raised to the caller.
    conf = roll_up_daily_stats.app.conf
    propagates, conf.task_eager_propagates = conf.task_eager_propagates, False
    try:
        with mock.patch("metrics.tasks.fill_daily_stats", side_effect=RuntimeError("database on fire")):
            roll_up_daily_stats.apply(throw=False)
    finally:
        conf.task_eager_propagates = propagates
    runs = list(JobRun.objects.filter(job="metrics.tasks.roll_up_daily_stats").order_by("started_at", "id"))
    # The first run and its 5 retries: each recorded with the error, the last one as failed.
    assert [run.state for run in runs] == [JobRun.State.RETRYING] * 5 + [JobRun.State.FAILED]
    assert all("database on fire" in run.summary and run.finished_at for run in runs)
    assert runs[0].summary.startswith("Retry in")


def test_tasks_outside_the_schedule_are_not_recorded():
    from advocacy.tasks import refresh_follower_count

    refresh_follower_count.apply(args=[999999])
    assert not JobRun.objects.exists()


def test_the_beat_schedule_has_every_job_of_the_issue(settings):
    schedule = {entry["task"]: entry["schedule"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "metrics.tasks.roll_up_daily_stats" in schedule
    assert schedule["metrics.tasks.roll_up_daily_stats"].minute == {0, 15, 30, 45}
    monthly = schedule["metrics.tasks.send_monthly_report_task"]
    assert (monthly.day_of_month, monthly.hour, monthly.minute) == ({1}, {6}, {0})
    assert "metrics.tasks.pull_engagement_task" in schedule
    assert "content_library.tasks.send_weekly_digest" in schedule
    assert settings.CELERY_TIMEZONE == settings.TIME_ZONE  # the company's time zone


def test_the_monthly_report_is_emailed_to_managers_once_in_their_language(settings):
    settings.SITE_URL = "https://advocacy.example.com"
    manager = factories.UserFactory(roles=["manager"], email="boss@example.com")
    manager.profile.language = "es"
    manager.profile.save()
    factories.UserFactory(roles=["comms"], email="comms@example.com")
    factories.AdvocateFactory(email="advocate@example.com")  # no report for employees
    last_month = Month.containing(timezone.localdate()).previous()

    assert send_monthly_reports()["sent"] == 2
    assert sorted(message.to[0] for message in mail.outbox) == ["boss@example.com", "comms@example.com"]
    spanish = next(message for message in mail.outbox if message.to == ["boss@example.com"])
    assert "Informe" in spanish.subject
    html = spanish.alternatives[0][0]
    assert f"https://advocacy.example.com/reports/{last_month}/" in html and "Publicaciones compartidas" in html

    assert send_monthly_reports()["sent"] == 0  # a retried or second run sends nothing twice
    assert len(mail.outbox) == 2
    assert ReportDelivery.objects.filter(month=last_month.first_day).count() == 2


def test_a_mail_server_failure_is_retried_for_the_unsent_only(settings):
    factories.UserFactory(roles=["manager"], email="one@example.com")
    factories.UserFactory(roles=["manager"], email="two@example.com")
    real_send = mail.EmailMultiAlternatives.send
    calls = []

    def fails_for_two(message, *args, **kwargs):
        calls.append(message.to[0])
        if message.to == ["two@example.com"]:
            raise ConnectionRefusedError("smtp down")
        return real_send(message, *args, **kwargs)

    with mock.patch.object(mail.EmailMultiAlternatives, "send", fails_for_two), pytest.raises(RuntimeError):
        send_monthly_reports()
    assert ReportDelivery.objects.count() == 1
    assert send_monthly_reports()["sent"] == 1
    assert sorted(message.to[0] for message in mail.outbox) == ["one@example.com", "two@example.com"]


def test_the_monthly_task_completes_the_counts_before_sending(settings):
    factories.UserFactory(roles=["manager"])
    shares_on([1])
    send_monthly_report_task.apply()
    assert DailyStat.objects.exists() and len(mail.outbox) == 1


@pytest.fixture
def last_month_activity():
    """10 active employees, 4 in the program, 2 of them shared 3 times in all last month (reach 1,500)."""
    from advocacy.models import EmployeeProfile

    people = [factories.UserFactory() for _ in range(10)]
    start = Month.containing(timezone.localdate()).previous().first_day
    moment = timezone.make_aware(datetime.combine(start + timedelta(days=3), datetime.min.time()))
    from advocacy.models import User

    User.objects.update(date_joined=moment - timedelta(days=100))
    EmployeeProfile.objects.filter(user__in=people[:4]).update(opted_in_at=moment - timedelta(days=50))
    post = factories.PostFactory()
    for employee, network, reach in [(people[0], "linkedin", 500), (people[0], "x", 500), (people[1], "linkedin", 500)]:
        Share.objects.create(employee=employee, post=post, network=network, potential_reach=reach, created_at=moment)
    services.refill_days(start, start + timedelta(days=5))
    return people


def test_the_reach_calculator_projects_from_last_months_numbers(client, last_month_activity):
    client.force_login(factories.UserFactory(roles=["manager"]))
    page = client.get("/reports/reach/?adoption=80")
    projection = page.context["projection"]
    assert (projection.active_employees, projection.enrolled_advocates) == (10, 4)
    assert projection.participation_rate == pytest.approx(2 / 4)
    assert projection.shares_per_sharer == pytest.approx(3 / 2)
    assert projection.reach_per_share == pytest.approx(500)
    # 10 × 80 % × 50 % × 1.5 × 500
    assert projection.projected_reach == 3000
    body = page.content.decode()
    assert "3,000" in body and "× 80.0 %" in body


def test_the_reach_calculator_refuses_a_rate_that_is_not_one(client, last_month_activity):
    client.force_login(factories.UserFactory(roles=["manager"]))
    for typed in ["abc", "120", "-5", "NaN", "1e999"]:
        page = client.get(f"/reports/reach/?adoption={typed}")
        assert page.status_code == 200 and "between 0 and 100" in page.content.decode(), typed
    default = client.get("/reports/reach/").context["projection"]
    assert default.target_adoption == pytest.approx(0.8)  # twice today's 40 %


def test_report_months_start_at_the_first_counted_day(client):
    shares_on([70])
    fill_daily_stats()
    client.force_login(factories.UserFactory(roles=["comms"]))
    months = client.get("/reports/").context["months"]
    first = Month.containing(timezone.localdate() - timedelta(days=70))
    assert months[-1] == first and months[0] == Month.containing(timezone.localdate())
    assert date(first.year, first.month, 1) <= timezone.localdate()


def test_the_admin_shows_when_each_job_last_ran_and_what_it_did(client):
    shares_on([1])
    roll_up_daily_stats.apply()
    client.force_login(factories.UserFactory(roles=["comms"], is_staff=True))
    page = client.get("/admin/metrics/jobrun/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "Scheduled jobs" in body and "metrics.tasks.send_monthly_report_task" in body
    assert "1 row(s)" in body and "Succeeded" in body
    assert client.get(f"/admin/metrics/jobrun/{JobRun.objects.get().pk}/change/").status_code == 200
    assert client.post("/admin/metrics/jobrun/add/").status_code == 403


def test_comms_set_the_media_value_rates_and_the_program_cost(client):
    from metrics.models import NetworkRate, ProgramCost

    client.force_login(factories.UserFactory(roles=["comms"], is_staff=True))
    response = client.post("/admin/metrics/networkrate/add/", {"network": "linkedin", "cpm": "33.80", "cpc": "5.26"})
    assert response.status_code == 302
    refused = client.post("/admin/metrics/networkrate/add/", {"network": "x", "cpm": "-1", "cpc": "abc"})
    assert refused.status_code == 200 and NetworkRate.objects.count() == 1
    client.post("/admin/metrics/programcost/add/", {"month": "2026-10-17", "amount": "1200", "note": "Licences"})
    assert ProgramCost.objects.get().month == date(2026, 10, 1)
    client.force_login(factories.UserFactory(roles=["manager"]))  # not a staff role
    assert client.get("/admin/metrics/networkrate/")["Location"].startswith("/admin/login/")


def test_every_scheduled_job_is_acknowledged_late_and_requeued_if_its_worker_dies(settings):
    from advocacy.celery import app

    for entry in settings.CELERY_BEAT_SCHEDULE.values():
        app.loader.import_default_modules()
        task = app.tasks[entry["task"]]
        assert task.acks_late and task.reject_on_worker_lost, entry["task"]
