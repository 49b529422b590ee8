"""Comms read employees' suggestions and decide on them; admin may do all."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GRANTS = {
    "comms": ["change_suggestion", "view_suggestion"],
    "admin": ["add_suggestion", "change_suggestion", "view_suggestion", "delete_suggestion"],
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
    dependencies = [("content_library", "0006_suggestions"), ("advocacy", "0003_roles")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
