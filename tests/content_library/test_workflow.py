"""The review workflow: which transitions exist, who may make each, and that an edit sends an approved
post back to review (no unreviewed word reaches an employee)."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from content_library.models import Post
from content_library.services import TransitionRefused, transition
from tests import factories

pytestmark = pytest.mark.django_db

S = Post.Status
# (from, to, role): "ok" when the role may, "denied" when the role may not, "refused" when no role may.
CASES = [
    (S.DRAFT, S.IN_REVIEW, "comms", "ok"),
    (S.DRAFT, S.APPROVED, "comms", "refused"),
    (S.DRAFT, S.APPROVED, "reviewer", "refused"),
    (S.IN_REVIEW, S.APPROVED, "comms", "denied"),
    (S.IN_REVIEW, S.APPROVED, "reviewer", "ok"),
    (S.IN_REVIEW, S.REJECTED, "reviewer", "ok"),
    (S.IN_REVIEW, S.REJECTED, "comms", "denied"),
    (S.IN_REVIEW, S.APPROVED, "employee", "denied"),
    (S.APPROVED, S.ARCHIVED, "comms", "ok"),
    (S.APPROVED, S.ARCHIVED, "reviewer", "denied"),
    (S.REJECTED, S.IN_REVIEW, "comms", "ok"),
    (S.ARCHIVED, S.DRAFT, "comms", "ok"),
    (S.ARCHIVED, S.APPROVED, "reviewer", "refused"),
    (S.APPROVED, S.APPROVED, "reviewer", "refused"),
]


@pytest.mark.parametrize("from_status, to_status, role, outcome", CASES)
def test_who_may_make_each_transition(from_status, to_status, role, outcome):
    post = factories.PostFactory(status=from_status)
    user = factories.UserFactory(roles=[role])
    if outcome == "ok":
        record = transition(post, to_status, user, comment="why")
        post.refresh_from_db()
        assert post.status == to_status and (record.by, record.comment) == (user, "why")
    else:
        with pytest.raises(PermissionDenied if outcome == "denied" else TransitionRefused):
            transition(post, to_status, user)
        post.refresh_from_db()
        assert post.status == from_status and not post.transitions.exists()


def test_editing_an_approved_post_in_the_admin_sends_it_back_to_review(client):
    post = factories.PostFactory(title="Approved text")
    comms = factories.UserFactory(roles=["comms"])
    client.force_login(comms)
    url = reverse("admin:content_library_post_change", args=[post.pk])
    form = client.get(url).context["adminform"].form
    data = {name: form.initial.get(name) or "" for name in form.fields if name not in ("image", "target_teams",
                                                                                        "target_languages")}
    data.update({
        "title": "Edited after approval", "publish_at_0": post.publish_at.strftime("%Y-%m-%d"),
        "publish_at_1": post.publish_at.strftime("%H:%M:%S"), "expires_at_0": "", "expires_at_1": "",
        "allow_edit": "on", "variants-TOTAL_FORMS": "0", "variants-INITIAL_FORMS": "0",
        "transitions-TOTAL_FORMS": "0", "transitions-INITIAL_FORMS": "0",
    })
    client.post(url, data)
    post.refresh_from_db()
    assert (post.title, post.status) == ("Edited after approval", "in_review")
    assert post.transitions.get().comment == "Edited after approval"
    assert not Post.objects.live().filter(pk=post.pk).exists()
