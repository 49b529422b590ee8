import pytest
from django.core.management import call_command

from advocacy.models import Click, Share, Team, User
from content_library.models import Campaign, Post
from metrics.models import DailyStat


@pytest.mark.django_db
def test_seed_demo_builds_a_company_and_prints_one_login_per_role(capsys, client):
    call_command("seed_demo")
    out = capsys.readouterr().out
    for role in ["admin", "comms", "reviewer", "hr", "manager", "employee"]:
        assert f"{role}@example.com" in out
    assert User.objects.count() == 30
    assert Team.objects.count() >= 5
    assert Post.objects.count() == 20
    assert set(Post.objects.values_list("language", flat=True)) == {"es", "en"}
    assert Campaign.objects.count() == 1
    assert Share.objects.count() > 100 and Click.objects.filter(is_bot=True).exists()
    assert DailyStat.objects.exists()
    assert client.login(email="employee@example.com", password="demo-advocacy-2026")

    counts = (User.objects.count(), Share.objects.count(), Click.objects.count())
    call_command("seed_demo")
    assert "already loaded" in capsys.readouterr().out
    assert (User.objects.count(), Share.objects.count(), Click.objects.count()) == counts
