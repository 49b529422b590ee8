"""HR reviews signatures and sends reminders; HR and comms write training capsules; admin may do all."""

from django.db import migrations

from advocacy.role_grants import create_all_permissions, grant

CAPSULE_EDITING = [
    "guidelines.add_capsule", "guidelines.change_capsule", "guidelines.view_capsule", "guidelines.delete_capsule",
    "guidelines.add_quizquestion", "guidelines.change_quizquestion", "guidelines.view_quizquestion",
    "guidelines.delete_quizquestion", "guidelines.view_capsulecompletion",
]
NEW_MODELS = ["guidereminder", "capsule", "quizquestion", "capsuleattempt", "capsulecompletion"]
GRANTS = {
    "hr": ["guidelines.review_acknowledgements", "guidelines.view_guidereminder", *CAPSULE_EDITING],
    "comms": CAPSULE_EDITING,
    "admin": ["guidelines.review_acknowledgements", *(
        f"guidelines.{action}_{model}" for model in NEW_MODELS for action in ("add", "change", "delete", "view")
    )],
}


def grant_roles(apps, schema_editor):
    create_all_permissions(apps)
    grant(apps, GRANTS)


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    Permission.objects.filter(content_type__app_label="guidelines", content_type__model__in=NEW_MODELS).delete()
    Permission.objects.filter(content_type__app_label="guidelines", codename="review_acknowledgements").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("guidelines", "0003_guide_review_and_capsules"),
        ("advocacy", "0003_roles"),
    ]

    operations = [migrations.RunPython(grant_roles, revoke)]
