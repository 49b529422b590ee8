"""The roles of DESIGN.md as groups, with the permissions each one needs."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ROLE_PERMISSIONS = {
    "employee": [],
    "comms": [
        "content_library.add_post", "content_library.change_post", "content_library.view_post",
        "content_library.delete_post",
        "content_library.add_postvariant", "content_library.change_postvariant",
        "content_library.view_postvariant", "content_library.delete_postvariant",
        "content_library.add_campaign", "content_library.change_campaign", "content_library.view_campaign",
        "content_library.view_posttransition",
        "advocacy.view_share", "advocacy.view_trackedlink", "advocacy.view_click", "advocacy.view_team",
        "rewards.view_pointsentry",
        "metrics.view_kpi_report", "metrics.view_fillstate",
    ],
    "reviewer": [
        "content_library.view_post", "content_library.approve_post", "content_library.view_postvariant",
        "content_library.view_campaign", "content_library.view_posttransition",
    ],
    "hr": [
        "guidelines.add_guideversion", "guidelines.change_guideversion", "guidelines.view_guideversion",
        "guidelines.view_acknowledgement",
        "advocacy.view_user", "advocacy.view_employeeprofile", "advocacy.change_employeeprofile",
        "advocacy.view_team", "advocacy.add_team", "advocacy.change_team",
        "advocacy.add_invitation", "advocacy.change_invitation", "advocacy.view_invitation",
    ],
    "manager": ["metrics.view_kpi_report"],
}


def create_roles(apps, schema_editor):
    # Permissions are normally created after all migrations; the roles need them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, codenames in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=role)
        permissions = []
        for dotted in codenames:
            app_label, codename = dotted.split(".")
            permissions.append(Permission.objects.get(content_type__app_label=app_label, codename=codename))
        group.permissions.set(permissions)
    admin, _ = Group.objects.get_or_create(name="admin")
    admin.permissions.set(Permission.objects.all())


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=[*ROLE_PERMISSIONS, "admin"]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("advocacy", "0002_shares_links_clicks"),
        ("content_library", "0001_initial"),
        ("guidelines", "0001_initial"),
        ("metrics", "0001_initial"),
        ("rewards", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
