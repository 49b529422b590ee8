"""Comms read every team's report, keep the media value rates and the program's cost, upload analytics
exports and watch the background jobs; managers keep reading the report (their own teams broken down);
admin may do all."""

from django.db import migrations

from advocacy.role_grants import create_all_permissions, grant

COMMS = [
    "metrics.view_all_teams_report",
    "metrics.add_analyticsimport", "metrics.view_analyticsimport", "metrics.view_engagementsnapshot",
    "metrics.view_shareengagement", "metrics.view_jobrun",
    *[f"metrics.{action}_networkrate" for action in ("add", "change", "view", "delete")],
    *[f"metrics.{action}_programcost" for action in ("add", "change", "view", "delete")],
]
GRANTS = {"comms": COMMS, "admin": [*COMMS, "metrics.view_reportdelivery", "metrics.view_staleday"]}


def grant_roles(apps, schema_editor):
    create_all_permissions(apps)
    grant(apps, GRANTS)


class Migration(migrations.Migration):
    dependencies = [
        ("metrics", "0002_engagement_and_report_inputs"),
        ("advocacy", "0003_roles"),
    ]

    operations = [migrations.RunPython(grant_roles, migrations.RunPython.noop)]
