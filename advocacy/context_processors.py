from django.conf import settings
from django.utils.functional import SimpleLazyObject


def _reviews_signatures(user):
    if not user.is_authenticated:
        return False
    return user.has_perm("guidelines.review_acknowledgements") or user.managed_teams.exists()


def site(request):
    user = getattr(request, "user", None)
    return {
        "COMPANY_NAME": settings.COMPANY_NAME,
        "SITE_URL": settings.SITE_URL,
        # Only asked (one query) when a page shows the menu entry.
        "REVIEWS_SIGNATURES": SimpleLazyObject(lambda: bool(user is not None and _reviews_signatures(user))),
    }
