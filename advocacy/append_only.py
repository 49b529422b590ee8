"""Records that are evidence or accounts: written once, never edited nor deleted (the points ledger, guide
signatures, the audit log). The model and every queryset refuse; the database's constraints and the admin's
read-only views do the rest.

A model opts in with `AppendOnlyModel` and `objects = AppendOnlyQuerySet.as_manager()`, naming the error it
raises and the two messages in `append_only = AppendOnlyRule(...)`.
"""

from dataclasses import dataclass

from django.db import models


class AppendOnlyError(Exception):
    """An attempt to edit or delete an append-only record."""


@dataclass(frozen=True)
class AppendOnlyRule:
    error: type
    editing: str
    deleting: str


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        rule = self.model.append_only
        raise rule.error(rule.editing)

    def delete(self):
        rule = self.model.append_only
        raise rule.error(rule.deleting)


class AppendOnlyModel(models.Model):
    append_only = AppendOnlyRule(AppendOnlyError, "This record cannot be edited.", "This record cannot be deleted.")

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding or kwargs.get("force_update"):
            raise self.append_only.error(self.append_only.editing)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise self.append_only.error(self.append_only.deleting)
