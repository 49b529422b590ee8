from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from .forms import SignGuideForm
from .models import Acknowledgement
from .selectors import current_version
from .services import AlreadySigned, sign_guide


@login_required
def guide(request):
    """The current usage guide and the form to sign it."""
    version = current_version()
    signature = (
        Acknowledgement.objects.filter(employee=request.user, version=version).first() if version else None
    )
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
    return render(request, "guidelines/guide.html", {"version": version, "signature": signature, "form": form})
