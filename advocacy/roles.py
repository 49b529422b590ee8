"""The roles of DESIGN.md, as Django groups. Their permissions are set by migration 0003_roles."""

from django.utils.translation import gettext_lazy as _

EMPLOYEE = "employee"
COMMS = "comms"
REVIEWER = "reviewer"
HR = "hr"
MANAGER = "manager"
ADMIN = "admin"

ALL_ROLES = [EMPLOYEE, COMMS, REVIEWER, HR, MANAGER, ADMIN]
# Roles that work in the web admin, so their members get `is_staff`.
STAFF_ROLES = {COMMS, REVIEWER, HR, ADMIN}

LABELS = {
    EMPLOYEE: _("Employee"),
    COMMS: _("Communications"),
    REVIEWER: _("Reviewer"),
    HR: _("HR"),
    MANAGER: _("Manager"),
    ADMIN: _("Administrator"),
}
