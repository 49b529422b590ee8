"""HR reviews signatures and sends reminders; HR and comms write training capsules; admin may do all."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

CAPSULE_EDITING = [
    "guidelines.add_capsule", "guidelines.change_capsule", "guidelines.view_capsule", "guidelines.delete_capsule",
    "guidelines.add_quizquestion", "guidelines.change_quizquestion", "guidelines.view_quizquestion",
    "guidelines.delete_quizquestion", "guidelines.view_capsulecompletion",
]
GRANTS = {
    "hr": ["guidelines.review_acknowledgements", "guidelines.view_guidereminder", *CAPSULE_EDITING],
    "comms": CAPSULE_EDITING,
}
NEW_MODELS = ["guidereminder", "capsule", "quizquestion", "capsuleattempt", "capsulecompletion"]


def grant(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, codenames in GRANTS.items():
        group, _ = Group.objects.get_or_create(name=role)
        for dotted in codenames:
            app_label, codename = dotted.split(".")
            group.permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))
    admin, _ = Group.objects.get_or_create(name="admin")
    admin.permissions.add(*Permission.objects.filter(
        content_type__app_label="guidelines", content_type__model__in=NEW_MODELS
    ), Permission.objects.get(content_type__app_label="guidelines", codename="review_acknowledgements"))


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    Permission.objects.filter(content_type__app_label="guidelines", content_type__model__in=NEW_MODELS).delete()
    Permission.objects.filter(content_type__app_label="guidelines", codename="review_acknowledgements").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("guidelines", "0003_guide_review_and_capsules"),
        ("advocacy", "0003_roles"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
