"""Comms read employees' suggestions and decide on them; admin may do all."""

from django.db import migrations

from advocacy.role_grants import create_all_permissions, grant

GRANTS = {
    "comms": ["content_library.change_suggestion", "content_library.view_suggestion"],
    "admin": [f"content_library.{action}_suggestion" for action in ("add", "change", "view", "delete")],
}


def grant_roles(apps, schema_editor):
    create_all_permissions(apps)
    grant(apps, GRANTS)


class Migration(migrations.Migration):
    dependencies = [("content_library", "0006_suggestions"), ("advocacy", "0003_roles")]

    operations = [migrations.RunPython(grant_roles, migrations.RunPython.noop)]
