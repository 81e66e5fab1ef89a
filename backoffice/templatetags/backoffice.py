"""Template tags of the admin site's dashboard."""

from typing import Any

from django import template

from backoffice.charts import Chart
from backoffice.dashboard import (
    DashboardCharts,
    DashboardCounts,
    dashboard_charts,
    dashboard_counts,
)

register = template.Library()


@register.simple_tag
def backoffice_counts() -> DashboardCounts:
    return dashboard_counts()


@register.simple_tag
def backoffice_charts() -> DashboardCharts:
    return dashboard_charts()


@register.inclusion_tag("backoffice/chart.html")
def backoffice_chart(chart: Chart, chart_id: str) -> dict[str, Any]:
    """One chart as inline SVG with its figures as a table (``backoffice.charts``)."""
    return {"chart": chart, "chart_id": chart_id}
