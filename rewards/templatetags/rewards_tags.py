from django import template

register = template.Library()


@register.simple_tag
def badges_of(employee):
    """[(BadgeAward, icon)] of the employee, newest first."""
    from rewards.badges import badges_of as badges

    return badges(employee)


@register.simple_tag
def leaderboard_name_form(employee):
    from rewards.forms import LeaderboardNameForm
    from rewards.models import LeaderboardAlias

    alias = LeaderboardAlias.objects.filter(employee=employee).first()
    return LeaderboardNameForm(initial={"pseudonym": alias.pseudonym if alias else ""}, employee=employee)


@register.simple_tag
def employee_of_the_month(today=None):
    """The latest employee of the month named for this month or the one before, or None."""
    from django.utils import timezone

    from rewards.models import EmployeeOfTheMonth

    today = today or timezone.localdate()
    last_month = (today.replace(day=1) - timezone.timedelta(days=1)).replace(day=1)
    return (EmployeeOfTheMonth.objects.filter(month__gte=last_month).select_related("employee")
            .order_by("-month").first())
