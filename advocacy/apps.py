from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AdvocacyConfig(AppConfig):
    name = "advocacy"
    verbose_name = _("People and sharing")

    def ready(self):
        from . import audit, signals  # noqa: F401  (audit: the role and permission receivers)
        from .admin import bound_date_hierarchies

        bound_date_hierarchies()  # every app's admin is registered by now (django.contrib.admin is ready first)

        from django.db.models.signals import post_migrate

        from .role_grants import give_administrators_every_permission

        post_migrate.connect(give_administrators_every_permission, sender=self,
                             dispatch_uid="advocacy.give_administrators_every_permission")
