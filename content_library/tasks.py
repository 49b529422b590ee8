from celery import shared_task
from django.core.files.base import ContentFile
from django.db import transaction

from .images import RENDITION_SIZES, render
from .models import Post, PostImageRendition


@shared_task(acks_late=True, reject_on_worker_lost=True, autoretry_for=(OSError,), retry_backoff=True,
             max_retries=3)
def make_renditions(post_id):
    """Cut the post's image to each network's size (idempotent: a run replaces the post's renditions)."""
    post = Post.objects.filter(pk=post_id).first()
    if post is None:
        return 0
    if not post.image:
        PostImageRendition.objects.filter(post=post).delete()
        return 0
    made = []
    for size in RENDITION_SIZES:
        post.image.open("rb")
        try:
            data = render(post.image, size)
        finally:
            post.image.close()
        made.append((size, data))
    old_files = [rendition.image for rendition in PostImageRendition.objects.filter(post=post)]
    transaction.on_commit(lambda: [old.delete(save=False) for old in old_files])
    with transaction.atomic():
        PostImageRendition.objects.filter(post=post).delete()
        for size, data in made:
            rendition = PostImageRendition(post=post, kind=size.kind, source_name=post.image.name,
                                           width=size.width, height=size.height)
            rendition.image.save(f"post{post.pk}-{size.kind}-{size.width}x{size.height}.jpg", ContentFile(data),
                                 save=False)
            rendition.save()
    return len(made)


@shared_task(acks_late=True, reject_on_worker_lost=True)
def send_weekly_digest():
    """The weekly e-mail of new posts (beat: Mondays); a member gets at most one a week, even on a re-run."""
    from .digest import send_digests

    return send_digests()
