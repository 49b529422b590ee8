from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import IntegrityError, transaction
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .forms import LeaderboardNameForm
from .models import LeaderboardAlias


@login_required
@require_POST
def leaderboard_name(request):
    """Set or clear the pseudonym shown on leaderboards."""
    form = LeaderboardNameForm(request.POST, employee=request.user)
    if form.is_valid():
        pseudonym = form.cleaned_data["pseudonym"]
        try:
            with transaction.atomic():
                if pseudonym:
                    LeaderboardAlias.objects.update_or_create(employee=request.user, defaults={"pseudonym": pseudonym})
                else:
                    LeaderboardAlias.objects.filter(employee=request.user).delete()
        except IntegrityError:  # taken by someone else a moment ago
            form.add_error("pseudonym", _("Someone already uses this name."))
        else:
            messages.success(request, _("You appear on leaderboards as “%(name)s”.") % {
                "name": pseudonym or request.user.display_name})
            return redirect("/profile/#leaderboard-name")
    return render(request, "rewards/leaderboard_name.html", {"form": form}, status=400)
