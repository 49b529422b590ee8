"""The audit log of privileged actions: who did what, to which object, and what changed.

`record` is called by the service that carries out the action, inside its transaction, so an action rolled back
leaves no entry and a committed one always has its entry. Role and permission changes are caught where Django makes
them (the m2m_changed signal, which runs inside the change's own transaction); the admin says who is acting with
`acting(user)`. Entries never hold a person's name or e-mail: people are referred to by account id and shown with
the account's current name when the log is read, so an erased account appears under its pseudonym.
"""

from contextlib import contextmanager
from contextvars import ContextVar

from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.db.models.signals import m2m_changed
from django.dispatch import receiver

from . import roles
from .models import AuditEntry, User

Action = AuditEntry.Action

_actor = ContextVar("audit_actor", default=None)


@contextmanager
def acting(user):
    """Name who is acting for the entries recorded meanwhile without an explicit actor (role changes)."""
    token = _actor.set(user if user is not None and user.is_authenticated else None)
    try:
        yield
    finally:
        _actor.reset(token)


def current_actor():
    return _actor.get()


def record(action, target=None, *, actor=None, text=None, changes=None):
    """Append one entry. Call it inside the action's transaction. `text` is the object's short description: never a
    person's name (a user target is described by its id). `actor` None means the one set by `acting`, if any."""
    if actor is None:
        actor = current_actor()
    if text is None:
        text = "" if target is None or isinstance(target, User) else str(target)
    return AuditEntry.objects.create(
        action=action,
        actor=actor if actor is not None and actor.pk else None,
        target_type=ContentType.objects.get_for_model(target) if target is not None else None,
        target_id=target.pk if target is not None else None,
        target_repr=(text or "")[:200],
        changes=changes or {},
    )


def field_changes(before, after, fields, private=()):
    """{field: [before, after]} for the fields whose value differs; a private field says only that it changed."""
    changed = {}
    for field in fields:
        old, new = before.get(field), after.get(field)
        if old != new:
            changed[field] = "changed" if field in private else [old, new]
    return changed


# --- Admin pages whose saves are privileged -----------------------------------------------------------

class AuditedModelAdmin:
    """A ModelAdmin mixin: every save and delete made in this admin is recorded under `audit_action`, in the admin's
    own transaction. `audit_private_fields` are recorded as changed without their values; `audit_text(obj)` describes
    the object (it must not name a person)."""

    audit_action = None
    audit_private_fields = ()

    def audit_text(self, obj):
        return str(obj)

    def _audited_values(self, obj):
        values = {}
        for field in obj._meta.concrete_fields:
            if field.primary_key:
                continue
            value = field.value_from_object(obj)
            values[field.name] = value.name if hasattr(value, "storage") else value  # a file: its name
        return values

    def save_model(self, request, obj, form, change):
        before = {}
        if change:
            stored = type(obj)._default_manager.filter(pk=obj.pk).first()
            before = self._audited_values(stored) if stored is not None else {}
        super().save_model(request, obj, form, change)
        after = self._audited_values(obj)
        changed = field_changes(before, after, after.keys(), self.audit_private_fields)
        if changed or not change:
            record(self.audit_action, obj, actor=request.user, text=self.audit_text(obj),
                   changes={"event": "changed" if change else "created", "fields": changed})

    def delete_model(self, request, obj):
        self._record_deletion(request, obj)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self._record_deletion(request, obj)
        super().delete_queryset(request, queryset)

    def _record_deletion(self, request, obj):
        values = self._audited_values(obj)
        record(self.audit_action, obj, actor=request.user, text=self.audit_text(obj), changes={
            "event": "deleted",
            "fields": {name: ("changed" if name in self.audit_private_fields else value)
                       for name, value in values.items()},
        })


# --- Roles and permissions --------------------------------------------------------------------------

# The employee role grants nothing (every account has it from sign-up): giving or taking it is not privileged.
UNPRIVILEGED_ROLES = {roles.EMPLOYEE}


def _pairs(instance, reverse, pk_set):
    """[(user, group ids)] a User.groups change touches, whichever side it was made from."""
    if not reverse:
        return [(instance, set(pk_set or ()))]
    return [(user, {instance.pk}) for user in User.objects.filter(pk__in=pk_set or ())]


@receiver(m2m_changed, sender=User.groups.through)
def record_role_change(sender, instance, action, reverse, pk_set=None, **kwargs):
    """A user given or taken a role (group), from the user's side or the group's."""
    if action == "pre_clear":
        # After the clear the removed groups are gone: note them now.
        instance._audit_cleared = set(
            instance.groups.values_list("pk", flat=True) if not reverse else instance.user_set.values_list("pk", flat=True)
        )
        return
    if action not in {"post_add", "post_remove", "post_clear"}:
        return
    if action == "post_clear":
        cleared = getattr(instance, "_audit_cleared", set())
        pairs = [(instance, cleared)] if not reverse else [(user, {instance.pk}) for user in
                                                         User.objects.filter(pk__in=cleared)]
        kind = Action.ROLE_REMOVED
    else:
        pairs = _pairs(instance, reverse, pk_set)
        kind = Action.ROLE_ADDED if action == "post_add" else Action.ROLE_REMOVED
    names = dict(Group.objects.filter(pk__in={pk for _user, pks in pairs for pk in pks}).values_list("pk", "name"))
    for user, group_ids in pairs:
        changed = sorted(names[pk] for pk in group_ids if pk in names and names[pk] not in UNPRIVILEGED_ROLES)
        if changed:
            record(kind, user, changes={"roles": changed})


def _permission_names(pk_set):
    from django.contrib.auth.models import Permission

    return sorted(f"{app}.{codename}" for app, codename in
                  Permission.objects.filter(pk__in=pk_set or ()).values_list("content_type__app_label", "codename"))


def _record_permission_change(instance, action, reverse, pk_set, owners):
    """Permissions given to or taken from a user or a role (`owners`: the model holding them)."""
    if action == "pre_clear":
        instance._audit_cleared_permissions = set(
            instance.permissions.values_list("pk", flat=True) if isinstance(instance, Group)
            else instance.user_permissions.values_list("pk", flat=True)
        ) if not reverse else set()
        return
    if action not in {"post_add", "post_remove", "post_clear"}:
        return
    key = "added" if action == "post_add" else "removed"
    if reverse:  # permission.group_set.add(...): rare; one entry per holder, naming the one permission
        for holder in owners.objects.filter(pk__in=pk_set or ()):
            record(Action.PERMISSIONS_CHANGED, holder, changes={key: _permission_names([instance.pk])},
                   text=holder.name if isinstance(holder, Group) else None)
        return
    ids = getattr(instance, "_audit_cleared_permissions", set()) if action == "post_clear" else pk_set
    names = _permission_names(ids)
    if names:
        record(Action.PERMISSIONS_CHANGED, instance, changes={key: names},
               text=instance.name if isinstance(instance, Group) else None)


@receiver(m2m_changed, sender=User.user_permissions.through)
def record_user_permission_change(sender, instance, action, reverse, pk_set=None, **kwargs):
    _record_permission_change(instance, action, reverse, pk_set, User)


@receiver(m2m_changed, sender=Group.permissions.through)
def record_role_permission_change(sender, instance, action, reverse, pk_set=None, **kwargs):
    _record_permission_change(instance, action, reverse, pk_set, Group)


ACCESS_FIELDS = ("is_active", "is_staff", "is_superuser")


def record_access_change(user, before, actor):
    """After a user's save in the admin: record any change of is_active, is_staff or is_superuser."""
    after = {field: getattr(user, field) for field in ACCESS_FIELDS}
    changed = field_changes(before, after, ACCESS_FIELDS)
    if changed:
        record(Action.ACCESS_CHANGED, user, actor=actor, changes=changed)
    return changed
