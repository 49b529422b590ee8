"""allauth's admin for connected accounts, with JSON fields that refuse what the database cannot store.

Django's form JSONField accepts NaN, Infinity and numbers too long for Python to parse (a 500 each: PostgreSQL's
json type has no NaN, and int() refuses more than 4,300 digits), and turns an empty field into NULL where the column
is NOT NULL. These admins are allauth's own, with that one field replaced.
"""

import json
import math

from allauth.socialaccount.admin import SocialAccountAdmin, SocialAppAdmin, SocialTokenAdmin
from allauth.socialaccount.models import SocialAccount, SocialApp, SocialToken
from django import forms
from django.contrib import admin
from django.db import models
from django.utils.translation import gettext_lazy as _


def _refuse_constant(name):
    raise ValueError(name)


def _finite(text):
    number = float(text)
    if math.isinf(number):  # 1e999
        raise ValueError(text)
    return number


def _loads(field, value):
    return json.loads(value, cls=field.decoder, parse_constant=_refuse_constant, parse_float=_finite)


class StrictJSONField(forms.JSONField):
    """JSON as PostgreSQL keeps it: no NaN or Infinity (nor 1e999), numbers Python can read, and empty meaning {}."""

    default_error_messages = {"invalid": _("Enter valid JSON (no NaN or Infinity, numbers of a sane length).")}

    def to_python(self, value):
        if self.disabled:
            return value
        if value in self.empty_values:
            return {}
        if isinstance(value, (list, dict, int, float, forms.fields.JSONString)):
            return value
        try:
            return _loads(self, value)
        except ValueError:  # JSONDecodeError, a NaN, or an int() over its digit limit
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid", params={"value": value})

    def bound_data(self, data, initial):
        if self.disabled:
            return initial
        if data is None:
            return None
        try:
            return _loads(self, data)
        except ValueError:
            return forms.fields.InvalidJSONInput(data)


STRICT_JSON = {models.JSONField: {"form_class": StrictJSONField}}

for model, model_admin in [(SocialApp, SocialAppAdmin), (SocialAccount, SocialAccountAdmin)]:
    admin.site.unregister(model)
    admin.site.register(model, type(model_admin.__name__, (model_admin,), {"formfield_overrides": STRICT_JSON}))


admin.site.unregister(SocialToken)


@admin.register(SocialToken)
class ConnectionTokenAdmin(SocialTokenAdmin):
    """Which connected accounts hold a token and until when, never the token itself: an access or refresh token
    is a password to the employee's account on the network. Deleting one makes the employee connect again."""

    list_display = ("app", "account", "expires_at")
    fields = ("app", "account", "expires_at")
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
