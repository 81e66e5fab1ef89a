"""The counts on the admin site's index page."""

from dataclasses import dataclass
from datetime import datetime

from django.apps import apps
from django.utils import timezone

from accounts.models import User
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
