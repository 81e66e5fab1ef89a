"""Template tags of the admin site's dashboard."""

from django import template

from backoffice.dashboard import DashboardCounts, dashboard_counts

register = template.Library()


@register.simple_tag
def backoffice_counts() -> DashboardCounts:
    return dashboard_counts()
