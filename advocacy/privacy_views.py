"""The employee's privacy pages: download everything held about me, ask for (or withdraw) the erasure of my data."""

import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from . import privacy
from .forms import ConfirmPasswordForm, ErasureRequestForm
from .models import ErasureRequest


def _page(request, export_form=None, status=200):
    return render(request, "advocacy/privacy.html", {
        "export_form": export_form or ConfirmPasswordForm(request=request),
        "pending": privacy.pending_erasure(request.user),
        "past_requests": ErasureRequest.objects.filter(employee=request.user).exclude(
            state=ErasureRequest.State.PENDING).order_by("-requested_at")[:5],
        "click_retention_days": settings.CLICK_RETENTION_DAYS,
        "signature_retention_days": settings.GUIDE_SIGNATURE_RETENTION_DAYS,
    }, status=status)


@login_required
@require_GET
def your_data(request):
    """What we hold and why, the download, and the state of my erasure request."""
    return _page(request)


@never_cache
@login_required
@require_POST
def download_data(request):
    """Everything held about me, as a JSON file; my password first."""
    form = ConfirmPasswordForm(request.POST, request=request)
    if not form.is_valid():
        return _page(request, export_form=form, status=400)
    document = json.dumps(privacy.personal_data(request.user), cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)
    response = HttpResponse(document, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{privacy.export_filename(request.user)}"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def erasure(request):
    """What erasure removes and keeps, and the request itself (confirmed with my password)."""
    pending = privacy.pending_erasure(request.user)
    form = ErasureRequestForm(request.POST or None, request=request)
    if request.method == "POST" and pending is None and form.is_valid():
        privacy.request_erasure(request.user)
        messages.success(request, _("Your request is recorded. HR will carry it out within a month and you will "
                                    "receive an e-mail when it is done; until then you can withdraw it here."))
        return redirect("privacy")
    return render(request, "advocacy/erasure.html", {
        "form": form, "pending": pending,
        "signature_retention_days": settings.GUIDE_SIGNATURE_RETENTION_DAYS,
        "signature_retention_years": round(settings.GUIDE_SIGNATURE_RETENTION_DAYS / 365.25),
    }, status=400 if request.method == "POST" and pending is None else 200)


@login_required
@require_POST
def withdraw_erasure(request):
    if privacy.withdraw_erasure(request.user):
        messages.success(request, _("Your erasure request is withdrawn. Nothing was erased."))
    else:
        messages.info(request, _("There is no erasure request waiting to withdraw."))
    return redirect("privacy")
