"""Comms keep the library's categories; reviewers see them; admin may do all."""

from django.db import migrations

from advocacy.role_grants import create_all_permissions, grant

EDIT_CATEGORIES = [f"content_library.{action}_category" for action in ("add", "change", "view", "delete")]
GRANTS = {"comms": EDIT_CATEGORIES, "reviewer": ["content_library.view_category"], "admin": EDIT_CATEGORIES}


def grant_roles(apps, schema_editor):
    create_all_permissions(apps)
    grant(apps, GRANTS)


class Migration(migrations.Migration):
    dependencies = [
        ("content_library", "0003_content_type_category_tags"),
        ("advocacy", "0003_roles"),
    ]

    operations = [migrations.RunPython(grant_roles, migrations.RunPython.noop)]
