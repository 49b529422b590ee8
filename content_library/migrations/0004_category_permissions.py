"""Comms keep the library's categories; reviewers see them; admin may do all."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GRANTS = {
    "comms": ["add_category", "change_category", "view_category", "delete_category"],
    "reviewer": ["view_category"],
    "admin": ["add_category", "change_category", "view_category", "delete_category"],
}


def grant(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, codenames in GRANTS.items():
        group, _ = Group.objects.get_or_create(name=role)
        group.permissions.add(*Permission.objects.filter(content_type__app_label="content_library",
                                                         codename__in=codenames))


class Migration(migrations.Migration):
    dependencies = [
        ("content_library", "0003_content_type_category_tags"),
        ("advocacy", "0003_roles"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
