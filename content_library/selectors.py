"""Reads of the content library for comms: is it full and fresh?"""

from datetime import timedelta

from django.db.models import Count, Max
from django.utils import timezone

from .models import Post


def library_health(now=None):
    """Live posts per category and per type, the newest publication, and what expires within a week."""
    now = now or timezone.now()
    live = Post.objects.live(now)
    return {
        "live": live.count(),
        "by_category": list(live.order_by().values("category__name").annotate(n=Count("id")).order_by("-n")),
        "by_type": [
            {"label": Post.ContentType(row["content_type"]).label, "n": row["n"]}
            for row in live.order_by().values("content_type").annotate(n=Count("id")).order_by("-n")
        ],
        "newest": live.aggregate(newest=Max("publish_at"))["newest"],
        "expiring": list(live.filter(expires_at__lte=now + timedelta(days=7)).order_by("expires_at")
                         .values("pk", "title", "expires_at")[:10]),
    }
