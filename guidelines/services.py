"""Writes of the usage guide: signing a version, reminding those who have not."""

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from .models import Acknowledgement, CapsuleAttempt, CapsuleCompletion, GuideReminder


class AlreadySigned(Exception):
    pass


def sign_guide(employee, version, typed_name, user_agent="", signed_at=None):
    """Record that `employee` read and accepted exactly this version's text, sealed with an HMAC.

    `signed_at` is for importing signatures collected elsewhere (and the demo); it defaults to now.
    """
    from rewards.services import award_for_signature

    acknowledgement = Acknowledgement(
        employee=employee,
        version=version,
        signed_at=signed_at or timezone.now(),
        typed_name=typed_name.strip(),
        text_sha256=version.text_sha256,
        user_agent=(user_agent or "")[:500],
    )
    acknowledgement.signature = acknowledgement.compute_signature()
    try:
        with transaction.atomic():
            acknowledgement.save()
            award_for_signature(acknowledgement)
    except IntegrityError as error:
        raise AlreadySigned() from error
    return acknowledgement


def publish_version(version, by, now=None):
    """Publish a guide version (it becomes the current one), recording who did in the audit log. A version already
    published is left as it is; returns whether this call published it."""
    from advocacy import audit

    from .models import GuideVersion

    now = now or timezone.now()
    with transaction.atomic():
        if not GuideVersion.objects.filter(pk=version.pk, published_at__isnull=True).update(published_at=now):
            return False
        version.published_at = now
        audit.record(audit.Action.GUIDE_PUBLISHED, version, actor=by,
                     changes={"version": version.version, "published_at": now})
    return True


# --- Reminders ------------------------------------------------------------------------------

def request_reminders(people_ids, version, requested_by, today=None):
    """Log a reminder for each of these employees who has not had one today, and queue the e-mails.
    Returns how many were queued (those already reminded today are skipped: at most one a day)."""
    from advocacy.dispatch import enqueue

    from .tasks import send_guide_reminder

    today = today or timezone.localdate()
    people_ids = list(people_ids)
    with transaction.atomic():
        already = set(GuideReminder.objects.filter(day=today, employee_id__in=people_ids)
                      .values_list("employee_id", flat=True))
        GuideReminder.objects.bulk_create(
            [GuideReminder(employee_id=pk, version=version, day=today, requested_by=requested_by)
             for pk in people_ids if pk not in already],
            ignore_conflicts=True,  # a parallel request reminded some of them a moment ago
        )
        queued = list(GuideReminder.objects.filter(day=today, employee_id__in=people_ids, sent_at__isnull=True)
                      .exclude(employee_id__in=already).values_list("id", flat=True))
    for reminder_id in queued:
        enqueue(send_guide_reminder, reminder_id)
    return len(queued)


def send_reminder(reminder_id):
    """E-mail one reminder, in the employee's language; a reminder already sent is not sent again."""
    with transaction.atomic():
        reminder = (
            GuideReminder.objects.select_for_update(of=("self",))
            .select_related("employee__profile", "version").filter(pk=reminder_id).first()
        )
        if reminder is None or reminder.sent_at is not None:
            return False
        employee = reminder.employee
        language = getattr(employee.profile, "language", "") or settings.LANGUAGE_CODE
        with translation.override(language):
            context = {
                "name": employee.first_name or employee.display_name,
                "version": reminder.version,
                "url": f"{settings.SITE_URL}{reverse('guide')}",
                "company": settings.COMPANY_NAME,
            }
            subject = _("Please sign the social media usage guide (version %(number)s)") % {
                "number": reminder.version.version}
            body = render_to_string("guidelines/email/reminder.txt", context)
        send_mail(f"{settings.ACCOUNT_EMAIL_SUBJECT_PREFIX}{subject}", body, None, [employee.email])
        reminder.sent_at = timezone.now()
        reminder.save(update_fields=["sent_at"])
    return True


# --- Training capsules ------------------------------------------------------------------------

def take_capsule(employee, capsule, answers):
    """Score `answers` ({question id: answer number, from 1}) and keep the attempt; the first pass completes
    the capsule and earns its points (once). A capsule without a quiz is completed by reading it."""
    from rewards.services import award_for_capsule

    questions = list(capsule.questions.all())
    if questions:
        right = sum(1 for question in questions if answers.get(question.pk) == question.correct_choice)
        score = round(100 * right / len(questions))
    else:
        score = 100
    passed = score >= capsule.pass_mark
    with transaction.atomic():
        attempt = CapsuleAttempt.objects.create(employee=employee, capsule=capsule, score=score, passed=passed)
        if passed:
            completion, created = CapsuleCompletion.objects.get_or_create(
                employee=employee, capsule=capsule, defaults={"score": score, "completed_at": attempt.taken_at},
            )
            if created:
                award_for_capsule(completion)
    return attempt
