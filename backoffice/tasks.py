"""The back-office's periodic task, run by the worker (django-q2, ``manage.py worker``)."""

from datetime import datetime

from backoffice import insight


def insight_warm(*, now: datetime | None = None) -> None:
    """Count the dashboard's series now, so that the periods closed since the last run are
    in the cache before staff open the page: a view then counts only the open hour and day.
    Without it, the first view after the cache was emptied counts a week of sign-ins (about
    0.6 s with a million accounts, docs/performance.md)."""
    insight.insight(now=now)
