"""Giving roles (groups) permissions from data migrations. Used by migrations that add models or
permissions after `advocacy/migrations/0003_roles.py`, so each one states only what it grants."""

from django.contrib.auth.management import create_permissions


def create_all_permissions(apps):
    """Django creates permissions after all migrations; a migration granting them needs them now."""
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None


def grant(apps, grants):
    """Add permissions to roles: {"comms": ["content_library.add_category", ...], ...}."""
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, dotted_names in grants.items():
        group, _ = Group.objects.get_or_create(name=role)
        for dotted in dotted_names:
            app_label, codename = dotted.split(".")
            group.permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))


def give_administrators_every_permission(using="default", **kwargs):
    """post_migrate: the admin role holds every permission, including those of models added after the migration
    that made the role (each later migration grants the other roles only what they need)."""
    from django.apps import apps as global_apps
    from django.contrib.auth.models import Group, Permission

    from .roles import ADMIN

    for app_config in global_apps.get_app_configs():  # Django makes permissions app by app, after each app
        create_permissions(app_config, verbosity=0, using=using)
    administrators = Group.objects.using(using).filter(name=ADMIN).first()
    if administrators is None:
        return
    missing = Permission.objects.using(using).exclude(group=administrators)
    if missing.exists():
        administrators.permissions.add(*missing)
