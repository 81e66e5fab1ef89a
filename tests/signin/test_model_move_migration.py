"""The move of SignIn, UsedSignInProof and PendingInvalidation to ``signin`` and of
AuditEvent to ``audit`` (accounts 0007-0008, signin 0001, audit 0001): a database made
before it keeps its rows, tables, content types, permissions and admin log entries, and
going back hands everything back to ``accounts``."""

from datetime import timedelta

import pytest
from django.contrib.admin.models import ADDITION, LogEntry
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from audit.models import AuditAction, AuditEvent
from signin.models import PendingInvalidation, SignIn, UsedSignInProof
from tests.wallets import Wallet

# The migrations as they were before the move: the models still in accounts.
BEFORE = [("accounts", "0006_pending_invalidation"), ("signin", None), ("audit", None)]
MOVED = {
    "signin": "signin",
    "usedsigninproof": "signin",
    "pendinginvalidation": "signin",
    "auditevent": "audit",
}
TABLES = {
    "accounts_signin",
    "accounts_usedsigninproof",
    "accounts_pendinginvalidation",
    "accounts_auditevent",
}


def _migrate(targets=None):
    """Migrate to ``targets`` (the latest when None); the apps of the state reached."""
    executor = MigrationExecutor(connection)
    targets = targets or executor.loader.graph.leaf_nodes()
    executor.migrate(targets)
    ContentType.objects.clear_cache()  # the migrations relabel rows it may hold
    executor.loader.build_graph()
    return executor.loader.project_state(
        [target for target in targets if target[1] is not None]
    ).apps


def _content_type_ids(app_label_of) -> dict[str, int]:
    return {
        model: ContentType.objects.get(app_label=app_label_of(model), model=model).pk
        for model in MOVED
    }


@pytest.mark.django_db(transaction=True)
def test_rows_content_types_and_log_entries_survive_the_move_and_its_reversal():
    old_apps = _migrate(BEFORE)
    try:
        assert set(connection.introspection.table_names()) >= TABLES
        # Going back relabelled the test database's content types to accounts.
        before_ids = _content_type_ids(lambda model: "accounts")
        # (Models added to signin and audit since the move keep their own content types.)
        assert not ContentType.objects.filter(
            app_label__in=["signin", "audit"], model__in=MOVED
        ).exists()

        user = old_apps.get_model("accounts", "User").objects.create(address=Wallet().address)
        started = timezone.now() - timedelta(hours=1)
        sign_in = old_apps.get_model("accounts", "SignIn").objects.create(
            user=user, refresh_jti="jti", created_at=started, expires_at=started + timedelta(1)
        )
        old_apps.get_model("accounts", "UsedSignInProof").objects.create(
            key="sig:move", expires_at=started
        )
        pending = old_apps.get_model("accounts", "PendingInvalidation").objects.create(
            user_id=user.pk
        )
        event = old_apps.get_model("accounts", "AuditEvent").objects.create(
            action=AuditAction.SIGN_IN_SUCCEEDED,
            subject=user,
            subject_uuid=user.pk,
            detail={"signInId": str(sign_in.pk)},
        )
        # A staff member's earlier admin action on the sign-in.
        entry = LogEntry.objects.create(
            user_id=user.pk,
            content_type_id=before_ids["signin"],
            object_id=str(sign_in.pk),
            object_repr="sign-in",
            action_flag=ADDITION,
        )
        view_signin = Permission.objects.get(
            content_type_id=before_ids["signin"], codename="view_signin"
        )

        _migrate()

        # The rows, through the models in their new apps.
        moved = SignIn.objects.select_related("user").get(pk=sign_in.pk)
        assert moved.user.pk == user.pk and moved.refresh_jti == "jti"
        assert moved.expires_at == started + timedelta(1)
        assert User.objects.get(pk=user.pk).sign_ins.get() == moved
        assert UsedSignInProof.objects.get(key="sig:move").expires_at == started
        assert PendingInvalidation.objects.get(pk=pending.pk).user_id == user.pk
        audited = AuditEvent.objects.get(pk=event.pk)
        assert audited.subject == User.objects.get(pk=user.pk)
        assert audited.action == AuditAction.SIGN_IN_SUCCEEDED
        assert audited.detail == {"signInId": str(sign_in.pk)}
        for model in (SignIn, UsedSignInProof, PendingInvalidation, AuditEvent):
            assert model._meta.db_table.startswith("accounts_")

        # The same content type rows, relabelled: permissions and log entries follow.
        assert _content_type_ids(MOVED.get) == before_ids
        assert ContentType.objects.get_for_model(SignIn).pk == before_ids["signin"]
        assert ContentType.objects.get_for_model(AuditEvent).pk == before_ids["auditevent"]
        assert not ContentType.objects.filter(app_label="accounts", model__in=MOVED).exists()
        view_signin.refresh_from_db()
        assert f"{view_signin.content_type.app_label}.{view_signin.codename}" == (
            "signin.view_signin"
        )
        entry = LogEntry.objects.get(pk=entry.pk)
        assert entry.get_edited_object() == moved
        assert entry.get_admin_url() == reverse("admin:signin_signin_change", args=[moved.pk])

        # And back: the rows and the content types return to accounts.
        old_apps = _migrate(BEFORE)
        assert _content_type_ids(lambda model: "accounts") == before_ids
        assert old_apps.get_model("accounts", "SignIn").objects.get(pk=sign_in.pk).user_id == (
            user.pk
        )
        assert old_apps.get_model("accounts", "AuditEvent").objects.get(pk=event.pk).action == (
            AuditAction.SIGN_IN_SUCCEEDED
        )
        assert (
            old_apps.get_model("accounts", "UsedSignInProof")
            .objects.filter(key="sig:move")
            .exists()
        )
        assert (
            old_apps.get_model("accounts", "PendingInvalidation")
            .objects.filter(pk=pending.pk)
            .exists()
        )
    finally:
        _migrate()


@pytest.mark.django_db(transaction=True)
def test_a_content_type_already_made_for_the_new_app_is_merged_into_the_old_one():
    """``migrate audit`` alone makes audit.auditevent (post_migrate) before accounts 0008
    relabels accounts.auditevent: the old row, which existing references use, is kept."""
    _migrate(BEFORE)
    try:
        old = ContentType.objects.get(app_label="accounts", model="auditevent")
        old_view = Permission.objects.get(content_type=old, codename="view_auditevent")
        made = ContentType.objects.create(app_label="audit", model="auditevent")
        made_view = Permission.objects.create(
            content_type=made, codename="view_auditevent", name="Can view audit event"
        )
        made_only = Permission.objects.create(
            content_type=made, codename="export_auditevent", name="Can export audit events"
        )
        auditors = Group.objects.create(name="auditors")
        auditors.permissions.add(made_view, made_only)
        user = User.objects.create(address=Wallet().address)
        entry = LogEntry.objects.create(
            user=user, content_type=made, object_id="1", object_repr="event", action_flag=ADDITION
        )

        _migrate()

        assert not ContentType.objects.filter(pk=made.pk).exists()
        assert ContentType.objects.get_for_model(AuditEvent).pk == old.pk
        assert set(auditors.permissions.values_list("pk", flat=True)) == {
            old_view.pk,
            made_only.pk,
        }
        assert Permission.objects.get(pk=made_only.pk).content_type_id == old.pk
        assert LogEntry.objects.get(pk=entry.pk).content_type_id == old.pk
    finally:
        _migrate()
