"""The review workflow: draft → in review → approved (→ live at publish time) → archived."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from advocacy import audit

from .models import Post, PostTransition, PostVariant, Suggestion

Status = Post.Status

ALLOWED = {
    Status.DRAFT: {Status.IN_REVIEW, Status.ARCHIVED},
    Status.IN_REVIEW: {Status.APPROVED, Status.REJECTED, Status.DRAFT, Status.ARCHIVED},
    Status.APPROVED: {Status.IN_REVIEW, Status.ARCHIVED},
    Status.REJECTED: {Status.DRAFT, Status.IN_REVIEW, Status.ARCHIVED},
    Status.ARCHIVED: {Status.DRAFT},
}
# Approving or rejecting is a reviewer's decision; the rest is the curator's.
NEEDS_APPROVAL_PERMISSION = {Status.APPROVED, Status.REJECTED}
# The reviewer's decisions go to the audit log.
AUDITED = {Status.APPROVED: audit.Action.POST_APPROVED, Status.REJECTED: audit.Action.POST_REJECTED}


class TransitionRefused(Exception):
    pass


def may_transition(user, post, to_status):
    if to_status not in ALLOWED.get(post.status, set()):
        return False
    if to_status in NEEDS_APPROVAL_PERMISSION:
        return user.has_perm("content_library.approve_post")
    return user.has_perm("content_library.change_post")


def transition(post, to_status, by, comment=""):
    """Move `post` to `to_status` if `by` may, and keep who, when and why."""
    with transaction.atomic():
        post = Post.objects.select_for_update().get(pk=post.pk)
        if to_status not in ALLOWED.get(post.status, set()):
            raise TransitionRefused(
                _("A post that is %(from)s cannot become %(to)s.")
                % {"from": post.get_status_display(), "to": Status(to_status).label}
            )
        if not may_transition(by, post, to_status):
            raise PermissionDenied(_("You are not allowed to do this."))
        record = PostTransition.objects.create(
            post=post, from_status=post.status, to_status=to_status, by=by, comment=comment
        )
        if to_status in AUDITED:
            audit.record(AUDITED[to_status], post, actor=by, text=post.title,
                         changes={"from": post.status, "to": to_status, "comment": comment})
        post.status = to_status
        post.save(update_fields=["status", "updated_at"])
    return record


def back_to_review_after_edit(post, by):
    """No unreviewed word reaches an employee: editing an approved post sends it back to review."""
    if post.status != Status.APPROVED:
        return None
    with transaction.atomic():
        record = PostTransition.objects.create(
            post=post, from_status=Status.APPROVED, to_status=Status.IN_REVIEW, by=by,
            comment=_("Edited after approval"),
        )
        Post.objects.filter(pk=post.pk).update(status=Status.IN_REVIEW)
        post.status = Status.IN_REVIEW
    return record


def duplicate(post, by):
    """A new draft with the post's texts, image, hashtags, targets and library fields; dates start now."""
    with transaction.atomic():
        copy = Post.objects.get(pk=post.pk)
        copy.pk = None
        copy.title = _("Copy of %(title)s") % {"title": post.title}
        copy.status = Status.DRAFT
        copy.publish_at = timezone.now()
        copy.expires_at = None
        copy.created_by = by
        copy.save()
        copy.target_teams.set(post.target_teams.all())
        PostVariant.objects.bulk_create(
            [PostVariant(post=copy, network=variant.network, text=variant.text) for variant in post.variants.all()]
        )
        PostTransition.objects.create(post=copy, from_status=Status.DRAFT, to_status=Status.DRAFT, by=by,
                                      comment=_("Duplicated from post %(id)s") % {"id": post.pk})
    return copy


# --- Employee suggestions ---------------------------------------------------------------------

def suggest(employee, note, url=""):
    return Suggestion.objects.create(employee=employee, note=note.strip(), url=url.strip())


def draft_from_suggestion(suggestion, by):
    """Turn a pending suggestion into a draft post crediting the employee; returns the draft."""
    with transaction.atomic():
        suggestion = Suggestion.objects.select_for_update().get(pk=suggestion.pk)
        if suggestion.status != Suggestion.Status.PENDING:
            raise TransitionRefused(_("This suggestion was already decided."))
        first_line = suggestion.note.strip().splitlines()[0] if suggestion.note.strip() else ""
        post = Post.objects.create(
            title=(first_line or suggestion.url)[:200], summary=suggestion.note, url=suggestion.url or "",
            status=Status.DRAFT, created_by=by, suggested_by=suggestion.employee,
            language=getattr(suggestion.employee.profile, "language", "") or "en",
        )
        PostTransition.objects.create(post=post, from_status=Status.DRAFT, to_status=Status.DRAFT, by=by,
                                      comment=_("Drafted from a suggestion by %(name)s")
                                      % {"name": suggestion.employee.display_name})
        suggestion.status, suggestion.post = Suggestion.Status.DRAFTED, post
        suggestion.decided_by, suggestion.decided_at = by, timezone.now()
        suggestion.save(update_fields=["status", "post", "decided_by", "decided_at"])
    return post
