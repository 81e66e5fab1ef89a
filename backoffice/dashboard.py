"""The admin site's index page: the counts and the charts."""

from dataclasses import dataclass
from datetime import datetime

from django.apps import apps
from django.utils import timezone

from accounts.models import User
from backoffice import insight
from backoffice.charts import Chart, column_chart, row_chart
from signin.models import SignIn


@dataclass(frozen=True)
class DashboardCounts:
    users: int
    sign_ins_today: int
    banned: int
    blocked_countries: int | None  # None until the blocked-jurisdiction model is installed


def dashboard_counts(*, now: datetime | None = None) -> DashboardCounts:
    now = now or timezone.now()
    start_of_day = now.astimezone(timezone.get_current_timezone()).replace(
        hour=0, minute=0, second=0, microsecond=0
    )
    try:
        blocked_model = apps.get_model("permissions", "BlockedJurisdiction")
    except LookupError:
        blocked = None
    else:
        blocked = blocked_model.objects.count()
    return DashboardCounts(
        users=User.objects.count(),
        sign_ins_today=SignIn.objects.filter(created_at__gte=start_of_day).count(),
        banned=User.objects.filter(is_banned=True).count(),
        blocked_countries=blocked,
    )


@dataclass(frozen=True)
class DashboardCharts:
    sign_ins: Chart
    new_accounts: Chart
    refusals: Chart
    countries: Chart


def dashboard_charts(*, now: datetime | None = None) -> DashboardCharts:
    """The index page's four charts, from ``backoffice.insight``'s series."""
    seen = insight.insight(now=now)
    return DashboardCharts(
        sign_ins=column_chart(
            title=f"Sign-ins per hour, last {insight.SIGN_IN_HOURS // 24} days",
            points=[
                (
                    f"{period.start:%a %d}" if period.start.hour == 0 else "",
                    f"{period.start:%a %d %b %H:00}",
                    period.total,
                )
                for period in seen.sign_ins_per_hour
            ],
            noun="sign-ins",
        ),
        new_accounts=column_chart(
            title=f"New accounts per day, last {insight.NEW_ACCOUNT_DAYS} days",
            points=[
                (
                    f"{period.start:%d %b}" if index % 5 == 0 else "",
                    f"{period.start:%a %d %b %Y}",
                    period.total,
                )
                for index, period in enumerate(seen.new_accounts_per_day)
            ],
            noun="new accounts",
        ),
        refusals=row_chart(
            title=f"Refused sign-ins by reason, last {insight.REFUSAL_DAYS} days",
            rows=seen.refusals_by_reason,
            noun="refused sign-ins",
        ),
        countries=row_chart(
            title=f"Top countries of sign-ins, last {insight.SIGN_IN_HOURS // 24} days",
            rows=[(country or "unknown", count) for country, count in seen.top_countries],
            noun="sign-ins",
        ),
    )
