"""The dashboard's series: sign-ins per hour and their countries, new accounts per day,
refused sign-ins by reason.

Each series is counted in the database, grouped by hour or day in the site's time zone
(``TIME_ZONE``), over an indexed time range: sign-ins on ``signin_created_country_idx``,
accounts on ``user_created_at_idx``, refusals on ``audit_action_created_idx``. A period
that is over (its end more than ``SETTLE`` ago) never changes again, so its counts are
kept in the cache and only the periods still open are counted on each view: nothing is
written on the sign-in path for the dashboard's sake.
"""

import contextlib
import logging
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo
from itertools import pairwise
from typing import Literal

from django.core.cache import cache
from django.db.models import Count, QuerySet
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Trunc
from django.utils import timezone
from redis.exceptions import RedisError

from accounts.models import User
from audit.models import AuditAction, AuditEvent
from signin import exceptions as signin_errors
from signin.models import SignIn

logger = logging.getLogger(__name__)

Unit = Literal["hour", "day"]

SIGN_IN_HOURS = 7 * 24
NEW_ACCOUNT_DAYS = 30
REFUSAL_DAYS = 7
TOP_COUNTRIES = 10
# A period is closed once this long past its end: a sign-in stamped just before the end
# whose transaction commits a moment later is counted before the period is cached.
SETTLE = timedelta(minutes=1)
_CACHE_PREFIX = "backoffice:insight:v1"

# What the sign-in records as a refusal's reason (``detail.reason`` of ``sign_in.failed``,
# the error's message: ``signin.services``, ``signin.exceptions``), by the dashboard's label.
BAD_SIGNATURE, REPLAY, STALE = "bad signature", "replay", "stale"
RATE_LIMITED, BANNED, JURISDICTION, OTHER = "rate-limited", "banned", "jurisdiction", "other"
REFUSAL_LABELS = (BAD_SIGNATURE, REPLAY, STALE, RATE_LIMITED, BANNED, JURISDICTION, OTHER)
_REASON_LABELS = {
    signin_errors.SignInFailed.default_message: BAD_SIGNATURE,
    signin_errors.SignatureReplayed.default_message: REPLAY,
    "Timestamp is outside the allowed window": STALE,
    "Issued At is outside the allowed window": STALE,
    "Message has expired": STALE,
    "Message is not valid yet": STALE,
    signin_errors.TooManyNewAccounts.default_message: RATE_LIMITED,
    signin_errors.AccountBanned.default_message: BANNED,
}


def refusal_label(reason: str | None) -> str:
    """The dashboard's label of a refusal's recorded reason. A blocked country's refusal
    carries the country's reason text, "Access from XX is not available" by default."""
    if reason in _REASON_LABELS:
        return _REASON_LABELS[reason]
    if reason and reason.startswith("Access from ") and reason.endswith("is not available"):
        return JURISDICTION
    return OTHER


@dataclass(frozen=True)
class Period:
    start: datetime
    end: datetime
    counts: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@dataclass(frozen=True)
class Insight:
    sign_ins_per_hour: list[Period]
    top_countries: list[tuple[str, int]]  # ("" for unknown), most first
    new_accounts_per_day: list[Period]
    refusals_by_reason: list[tuple[str, int]]  # every label of REFUSAL_LABELS, in order


def insight(*, now: datetime | None = None, tz: tzinfo | None = None) -> Insight:
    """Everything the dashboard's charts show, as of ``now`` in ``tz`` (the site's)."""
    now = now or timezone.now()
    tz = tz or timezone.get_current_timezone()
    hours = sign_ins_per_hour(now=now, tz=tz)
    countries: Counter[str] = Counter()
    for period in hours:
        countries.update(period.counts)
    refusals: Counter[str] = Counter()
    for period in refusals_per_day(now=now, tz=tz):
        for reason, count in period.counts.items():
            refusals[refusal_label(reason)] += count
    return Insight(
        sign_ins_per_hour=hours,
        top_countries=[item for item in countries.most_common(TOP_COUNTRIES) if item[1]],
        new_accounts_per_day=new_accounts_per_day(now=now, tz=tz),
        refusals_by_reason=[(label, refusals[label]) for label in REFUSAL_LABELS],
    )


def sign_ins_per_hour(*, now: datetime, tz: tzinfo, hours: int = SIGN_IN_HOURS) -> list[Period]:
    """Sign-ins started in each of the last ``hours`` hours (the current one last), counted
    by country."""
    return _periods(
        name="sign-ins",
        queryset=SignIn.objects.all(),
        field="created_at",
        key="country",
        unit="hour",
        spans=period_spans(unit="hour", count=hours, now=now, tz=tz),
        now=now,
        tz=tz,
    )


def new_accounts_per_day(
    *, now: datetime, tz: tzinfo, days: int = NEW_ACCOUNT_DAYS
) -> list[Period]:
    """Accounts created on each of the last ``days`` days (today last) that still exist."""
    return _periods(
        name="new-accounts",
        queryset=User.objects.all(),
        field="created_at",
        key=None,
        unit="day",
        spans=period_spans(unit="day", count=days, now=now, tz=tz),
        now=now,
        tz=tz,
    )


def refusals_per_day(*, now: datetime, tz: tzinfo, days: int = REFUSAL_DAYS) -> list[Period]:
    """Refused sign-ins on each of the last ``days`` days, counted by recorded reason."""
    return _periods(
        name="refusals",
        queryset=AuditEvent.objects.filter(action=AuditAction.SIGN_IN_FAILED).annotate(
            reason=KeyTextTransform("reason", "detail")
        ),
        field="created_at",
        key="reason",
        unit="day",
        spans=period_spans(unit="day", count=days, now=now, tz=tz),
        now=now,
        tz=tz,
    )


def period_spans(
    *, unit: Unit, count: int, now: datetime, tz: tzinfo
) -> list[tuple[datetime, datetime]]:
    """The last ``count`` hours or days in ``tz`` as (start, end), the one holding ``now``
    last. Days run from local midnight to local midnight (23 or 25 hours across a change of
    daylight saving time); hours are 60 minutes each."""
    local = now.astimezone(tz)
    if unit == "hour":
        # Counted back in UTC: local wall-clock arithmetic would skip or repeat an hour
        # where daylight saving time changes.
        current = local.replace(minute=0, second=0, microsecond=0).astimezone(UTC)
        starts = [current - timedelta(hours=back) for back in range(count - 1, -1, -1)]
        return [
            (start.astimezone(tz), (start + timedelta(hours=1)).astimezone(tz)) for start in starts
        ]
    today = local.date()
    dates = [today - timedelta(days=back) for back in range(count - 1, -2, -1)]
    midnights = [datetime(day.year, day.month, day.day, tzinfo=tz) for day in dates]
    return list(pairwise(midnights))


def _periods(
    *,
    name: str,
    queryset: QuerySet,
    field: str,
    key: str | None,
    unit: Unit,
    spans: Sequence[tuple[datetime, datetime]],
    now: datetime,
    tz: tzinfo,
) -> list[Period]:
    """Counts per period of ``spans``, grouped by ``key`` ("" without one): the closed
    periods from the cache where it has them, the rest in one grouped query."""
    cache_keys = {
        start: f"{_CACHE_PREFIX}:{name}:{tz}:{start.timestamp():.0f}" for start, _ in spans
    }
    closed = [start for start, end in spans if end <= now - SETTLE]
    try:
        cached: dict[str, dict[str, int]] = cache.get_many([cache_keys[start] for start in closed])
    except RedisError:  # the dashboard still shows, counting every period
        logger.warning("insight cache unavailable; counting %s without it", name)
        cached = {}
    counts = {start: cached[cache_keys[start]] for start in closed if cache_keys[start] in cached}
    missing = [(start, end) for start, end in spans if start not in counts]
    if missing:
        counted = _count(
            queryset=queryset,
            field=field,
            key=key,
            unit=unit,
            since=missing[0][0],
            until=missing[-1][1],
            tz=tz,
        )
        for start, _ in missing:
            counts[start] = counted.get(start, {})
        with contextlib.suppress(RedisError):
            cache.set_many(
                {cache_keys[start]: counts[start] for start, _ in missing if start in closed},
                timeout=int((spans[-1][1] - spans[0][0]).total_seconds()) + 86400,
            )
    return [Period(start=start, end=end, counts=counts[start]) for start, end in spans]


def _count(
    *,
    queryset: QuerySet,
    field: str,
    key: str | None,
    unit: Unit,
    since: datetime,
    until: datetime,
    tz: tzinfo,
) -> dict[datetime, dict[str, int]]:
    """One grouped query: rows with ``since <= field < until`` counted by period and key.

    Periods are truncated local times, so in the hour repeated when clocks go back, both
    hours' rows are counted in the first and the second shows none."""
    rows = (
        queryset.filter(**{f"{field}__gte": since, f"{field}__lt": until})
        .annotate(period=Trunc(field, unit, tzinfo=tz))
        .order_by()  # a model's default ordering would join the GROUP BY
        .values_list("period", *([key] if key else []))
        .annotate(count=Count("*"))
    )
    counts: dict[datetime, dict[str, int]] = {}
    for row in rows:
        period, group, count = (row[0], row[1], row[2]) if key else (row[0], "", row[1])
        bucket = counts.setdefault(period, {})
        bucket[group or ""] = bucket.get(group or "", 0) + count
    return counts
