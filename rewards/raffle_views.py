"""What a drawn raffle publishes: its record (seed, entrants, winners) and the method to check it."""

from pathlib import Path

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_GET

from .models import Raffle
from .raffles import published_record

METHOD_DOC = Path(settings.BASE_DIR) / "docs" / "raffles.md"


@login_required
@require_GET
def raffle_entrants(request, slug, raffle_id):
    """The published record of a drawn raffle as JSON; 404 until it is drawn."""
    raffle = get_object_or_404(Raffle.objects.select_related("campaign"), pk=raffle_id, campaign__slug=slug,
                               status=Raffle.Status.DRAWN)
    response = JsonResponse(published_record(raffle), json_dumps_params={"ensure_ascii": False, "indent": 1})
    response["Content-Disposition"] = f'inline; filename="raffle-{raffle.pk}.json"'
    return response


@require_GET
def raffle_method(request):
    """docs/raffles.md as plain text: how anyone recomputes the winners."""
    try:
        text = METHOD_DOC.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise Http404 from None
    return HttpResponse(text, content_type="text/plain; charset=utf-8")
