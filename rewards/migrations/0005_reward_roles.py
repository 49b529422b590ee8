"""The points rules as editable rows. Comms run the rewards: the points rules, hand adjustments, the catalog, raffles, the employee of the month;
comms and HR decide on redemptions; everyone may read the badges; admin may do all."""

from django.db import migrations

from advocacy.role_grants import create_all_permissions, grant


def crud(model):
    return [f"rewards.{action}_{model}" for action in ("add", "change", "view", "delete")]


DECIDE_REDEMPTIONS = ["rewards.view_redemption", "rewards.change_redemption", "rewards.view_rewarditem"]
COMMS = [
    "rewards.view_pointsrule", "rewards.add_pointsrule", "rewards.change_pointsrule",
    "rewards.add_pointsentry", "rewards.view_pointsentry",
    *crud("rewarditem"), *DECIDE_REDEMPTIONS,
    "rewards.add_raffle", "rewards.change_raffle", "rewards.view_raffle",
    "rewards.add_employeeofthemonth", "rewards.change_employeeofthemonth", "rewards.view_employeeofthemonth",
    "rewards.view_badgeaward", "rewards.view_leaderboardalias",
    "content_library.change_campaign",
]
GRANTS = {"comms": COMMS, "hr": DECIDE_REDEMPTIONS, "admin": [*COMMS, "rewards.delete_employeeofthemonth"]}


# DESIGN.md's defaults, as rows comms can edit.
DEFAULT_RULES = {"share": 10, "unique_click": 1, "unique_click_cap_per_share": 20, "engagement": 1,
                 "engagement_cap_per_share": 50, "guide_signed": 20, "capsule_passed": 15}


def grant_roles(apps, schema_editor):
    create_all_permissions(apps)
    grant(apps, GRANTS)
    PointsRule = apps.get_model("rewards", "PointsRule")
    for key, value in DEFAULT_RULES.items():
        PointsRule.objects.get_or_create(key=key, defaults={"value": value})


class Migration(migrations.Migration):
    dependencies = [
        ("rewards", "0004_catalog_badges_raffles_leaderboards"),
        ("content_library", "0010_campaign_goal_prize_multiplier"),
        ("advocacy", "0003_roles"),
    ]

    operations = [migrations.RunPython(grant_roles, migrations.RunPython.noop)]
