import csv

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from advocacy.exports import text_cell
from advocacy.models import Team

from . import selectors
from .forms import QuizForm, SignGuideForm
from .markdown import compare
from .models import Acknowledgement, Capsule, CapsuleAttempt, CapsuleCompletion, GuideVersion
from .selectors import current_version
from .services import AlreadySigned, request_reminders, sign_guide, take_capsule

HR_PAGE_SIZE = 50


@login_required
def guide(request):
    """The current usage guide, what changed since the version I last signed, and the form to sign it."""
    version = current_version()
    mine = list(Acknowledgement.objects.filter(employee=request.user).select_related("version")
                .order_by("-version__version"))
    signature = next((ack for ack in mine if version and ack.version_id == version.pk), None)
    if request.method == "POST" and version and not signature:
        form = SignGuideForm(request.POST)
        if form.is_valid():
            try:
                sign_guide(request.user, version, form.cleaned_data["typed_name"],
                           request.META.get("HTTP_USER_AGENT", ""))
                messages.success(request, _("Thank you: you signed version %(version)s of the guide.")
                                 % {"version": version.version})
            except AlreadySigned:
                messages.info(request, _("You had already signed this version."))
            return redirect("guide")
    else:
        form = SignGuideForm(initial={"typed_name": request.user.get_full_name()})
    last_signed = next((ack.version for ack in mine if version and ack.version.version < version.version), None)
    blocks, removed = compare(last_signed.body if last_signed and not signature else None,
                              version.body if version else "")
    return render(request, "guidelines/guide.html", {
        "version": version, "signature": signature, "form": form, "blocks": blocks, "removed": removed,
        "last_signed": last_signed if not signature else None, "my_acknowledgements": mine,
        "earlier_versions": GuideVersion.objects.published().exclude(pk=version.pk if version else None)
        .order_by("-version"),
    })


@login_required
def guide_version(request, number):
    """An earlier (or the current) published version, to read."""
    version = get_object_or_404(GuideVersion.objects.published(), version=number)
    blocks, _removed = compare(None, version.body)
    return render(request, "guidelines/guide_version.html", {
        "version": version, "blocks": blocks, "is_current": version == current_version(),
    })


@login_required
def receipt(request, number):
    """My receipt of what I signed: the fields sealed, the seal, and the exact text with its hash."""
    acknowledgement = get_object_or_404(
        Acknowledgement.objects.select_related("version"), employee=request.user, version__version=number
    )
    version = acknowledgement.version
    fields = [
        (_("Company"), settings.COMPANY_NAME),
        (_("Employee"), f"{request.user.get_full_name()} <{request.user.email}>"),
        (_("Version"), f"{version.version} ({version.title})"),
        (_("Signed at"), acknowledgement.signed_at.isoformat()),
        (_("Name typed"), acknowledgement.typed_name),
        (_("Browser"), acknowledgement.user_agent),
        (_("SHA-256 of the text signed"), acknowledgement.text_sha256),
        (_("Seal (HMAC-SHA256)"), acknowledgement.signature),
    ]
    lines = [
        _("Receipt of signature: social media usage guide"),
        "",
        *(f"{label}: {value}" for label, value in fields),
        "",
        _("The text signed follows, exactly; its SHA-256 (UTF-8) is the one above."),
        "-" * 72,
        version.signed_text,
    ]
    response = HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="guide-v{version.version}-receipt.txt"'
    return response


# --- HR's review ------------------------------------------------------------------------------

def _scope_or_403(user):
    scope = selectors.review_scope(user)
    if scope is not None and not scope:
        raise PermissionDenied
    return scope


def _team_filter(request, scope):
    value = request.GET.get("team", "")
    if not value:
        return None
    if not (value.isascii() and value.isdigit()) or len(value) > 18:  # longer: no team has it (nor int() takes it)
        raise Http404
    team = Team.objects.filter(pk=int(value)).first()
    if team is None or (scope is not None and team.pk not in scope):
        raise Http404
    return team


@login_required
def acknowledgements_review(request):
    """Who signed which version, per team, with filters, a CSV download and reminders (HR; managers for
    their own teams)."""
    scope = _scope_or_403(request.user)
    version = current_version()
    team = _team_filter(request, scope)
    status = request.GET.get("status", "")
    if status and status not in selectors.STATUS_LABELS:
        raise Http404
    people = selectors.signature_statuses(version, scope, team, status or None)
    if request.GET.get("format") == "csv":
        return _review_csv(people, version)
    if request.GET.get("format"):
        raise Http404
    teams = Team.objects.order_by("name") if scope is None else Team.objects.filter(pk__in=scope).order_by("name")
    return render(request, "guidelines/hr_acknowledgements.html", {
        "version": version,
        "page": Paginator(people, HR_PAGE_SIZE).get_page(request.GET.get("page")),
        "per_team": selectors.signed_share_per_team(selectors.signature_statuses(version, scope, team)),
        "teams": teams, "team": team, "status": status, "statuses": selectors.STATUS_LABELS,
        "may_remind": request.user.has_perm("guidelines.review_acknowledgements") and version is not None,
        "query": request.GET.urlencode(),
        "filter_params": "".join(f"{name}={value}&" for name, value in [("team", team.pk if team else ""),
                                                                         ("status", status)] if value),
    })


def _review_csv(people, version):
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="guide-acknowledgements-{stamp}.csv"'
    writer = csv.writer(response)
    writer.writerow(["email", "name", "team", "last_version_signed", "signed_at", "status", "current_version"])
    for person in people.iterator():
        team = person.profile.team
        writer.writerow([
            text_cell(person.email), text_cell(person.get_full_name()), text_cell(team.name if team else ""),
            person.last_version or "",
            person.last_signed_at.isoformat() if person.last_signed_at else "", person.status,
            version.version if version else "",
        ])
    return response


@login_required
@require_POST
def send_reminders(request):
    """Remind everyone in the current filter who has not signed the current version (HR only)."""
    if not request.user.has_perm("guidelines.review_acknowledgements"):
        raise PermissionDenied
    version = current_version()
    if version is None:
        raise Http404
    team = _team_filter(request, None)
    # Only program members: the guide is what they need to share; nobody is pushed into the program.
    people = (selectors.signature_statuses(version, None, team).exclude(status=selectors.CURRENT)
              .filter(selectors.in_the_program()))
    queued = request_reminders(people.values_list("id", flat=True), version, request.user)
    messages.success(request, ngettext(
        "%(count)s reminder sent. Those already reminded today were skipped.",
        "%(count)s reminders sent. Those already reminded today were skipped.", queued,
    ) % {"count": queued})
    return redirect(reverse("hr_acknowledgements") + (f"?team={team.pk}" if team else ""))


# --- Training capsules ------------------------------------------------------------------------

@login_required
def capsules(request):
    return render(request, "guidelines/capsules.html", {"capsules": selectors.capsules_for(request.user)})


@login_required
def capsule(request, pk):
    """Read a capsule and take its quiz; the score is shown and kept."""
    item = get_object_or_404(Capsule.objects.filter(is_published=True), pk=pk)
    questions = list(item.questions.all())
    attempt = None
    if request.method == "POST":
        form = QuizForm(request.POST, questions=questions)
        if form.is_valid():
            attempt = take_capsule(request.user, item, form.answers())
            if attempt.passed:
                messages.success(request, _("Passed with %(score)s%%. Well done!") % {"score": attempt.score})
            else:
                messages.warning(request, _("%(score)s%%: you need %(mark)s%% to pass. Read it again and retry.")
                                 % {"score": attempt.score, "mark": item.pass_mark})
            return redirect("capsule", pk=item.pk)
    else:
        form = QuizForm(questions=questions)
    completion = CapsuleCompletion.objects.filter(employee=request.user, capsule=item).first()
    return render(request, "guidelines/capsule.html", {
        "capsule": item, "form": form, "questions": questions, "completion": completion,
        "last_attempt": CapsuleAttempt.objects.filter(employee=request.user, capsule=item).first(),
    })


@login_required
def training_review(request):
    """Capsule completion per team, for HR (all teams) and managers (their teams)."""
    scope = _scope_or_403(request.user)
    published = list(Capsule.objects.filter(is_published=True).order_by("language", "order", "id"))
    return render(request, "guidelines/hr_training.html", {
        "capsules": published, "rows": selectors.training_per_team(published, scope),
    })
