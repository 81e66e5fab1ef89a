"""django-q2's pages on the admin site (Task queue: scheduled, successful, failed and queued
tasks), read-only and for super-admins.

django-q2 registers them editable: a schedule names any importable function with any
arguments for the worker to run, and its "Resubmit selected tasks" action, which declares
no permission, runs a past task again. With Django's per-model permissions a super-admin
(who holds them all) could make the worker run code, and a plain admin (who views) could
replay tasks, neither through ``backoffice.moderation`` nor audited. The schedules are made
by migrations (``core.schedules``); here they are only looked at.
"""

from django.contrib import admin
from django_q import admin as django_q_admin
from django_q.models import Failure, OrmQ, Schedule, Success

from core.admin import ReadOnlyAdmin
from permissions.admin_access import SuperAdminOnly


class ScheduleView(SuperAdminOnly, ReadOnlyAdmin, django_q_admin.ScheduleAdmin):
    actions = []


class SuccessView(SuperAdminOnly, ReadOnlyAdmin, django_q_admin.TaskAdmin):
    actions = []


class FailureView(SuperAdminOnly, ReadOnlyAdmin, django_q_admin.FailAdmin):
    actions = []


class QueueView(SuperAdminOnly, ReadOnlyAdmin, django_q_admin.QueueAdmin):
    actions = []


def task_queue_pages_register(site: admin.AdminSite) -> None:
    """Put the read-only pages in place of django-q2's own (the queue's only on the
    database broker, where django-q2 registers it)."""
    for model, page in (
        (Schedule, ScheduleView),
        (Success, SuccessView),
        (Failure, FailureView),
        (OrmQ, QueueView),
    ):
        if site.is_registered(model):
            site.unregister(model)
            site.register(model, page)
