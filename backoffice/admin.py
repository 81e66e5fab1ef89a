"""The staff back-office on Django's admin site: users, their wallets, sessions (sign-ins), the
audit trail.

Who may do what is asked of ``permissions.rules`` (through ``User.has_perm``), and every
change goes through ``backoffice.moderation``, so the admin site, the commands and the API
share one set of rules and one audit trail. Plain admins look, ban, unban and revoke
sessions and unlink wallets; only super-admins edit accounts and roles.
"""

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db.models import Model, QuerySet
from django.http import HttpRequest
from django.templatetags.static import static
from django.urls import reverse
from django.utils.html import format_html

from accounts.models import User, Wallet
from accounts.profile_values import PROFILE_IMAGE_MAX_LENGTH, bio_problem, profile_image_problem
from accounts.usernames import username_problem
from audit.models import AuditAction, AuditEvent
from audit.services import admin_actor, admin_origin, audit_record_request
from backoffice import moderation
from core.admin import ReadOnlyAdmin
from core.errors import ServiceError
from events.models import Event
from permissions.rules import (
    BAN_PERMISSION,
    REVOKE_SESSIONS_PERMISSION,
    UNLINK_WALLET_PERMISSION,
)
from signin.devices import device_name
from signin.models import SignIn

# Roles, not Django groups, decide what staff may do.
admin.site.unregister(Group)
admin.site.site_header = "Launchpad Auth"
admin.site.site_title = "Launchpad Auth"
admin.site.index_title = "Back-office"


_actor, _origin = admin_actor, admin_origin


def _changelist_url(model: type[Model], **params: Any) -> str:
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    query = "&".join(f"{key}={value}" for key, value in params.items())
    return f"{url}?{query}" if query else url


def _run_per_user(
    modeladmin: admin.ModelAdmin,
    request: HttpRequest,
    users: list[Any],
    flow: Any,
    done: str,
    noun: str = "account(s)",
) -> None:
    """Apply a moderation flow to each selected account (or other row); refusals are
    reported, not fatal."""
    succeeded, refused = 0, []
    for user in users:
        try:
            flow(user)
        except ServiceError as exc:
            refused.append(f"{user}: {exc.message}")
        else:
            succeeded += 1
    if succeeded:
        modeladmin.message_user(request, f"{done}: {succeeded} {noun}.", messages.SUCCESS)
    for refusal in refused:
        modeladmin.message_user(request, refusal, messages.ERROR)


# --- Users -----------------------------------------------------------------------------------
def presence_filter(
    *, title: str, parameter: str, field: str, present: tuple[str, str], absent: tuple[str, str]
) -> type[admin.SimpleListFilter]:
    """A list filter on whether ``field`` is set; ``present``/``absent`` are (value, label)."""

    class PresenceFilter(admin.SimpleListFilter):
        parameter_name = parameter

        def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list:
            return [present, absent]

        def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
            if self.value() in (present[0], absent[0]):
                return queryset.filter(**{f"{field}__isnull": self.value() == absent[0]})
            return queryset

    PresenceFilter.title = title
    return PresenceFilter


RegisteredFilter = presence_filter(
    title="registered",
    parameter="registered",
    field="username",
    present=("yes", "Yes"),
    absent=("no", "No"),
)


class JoinedFilter(admin.DateFieldListFilter):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.title = "joined"


class UserAdminForm(forms.ModelForm):
    """Super-admins' edit form; a role change is checked by the moderation flow's own rule."""

    class Meta:
        model = User
        fields = ["username", "email", "bio", "profile_image", "role"]

    profile_image = forms.URLField(
        required=False, assume_scheme="https", max_length=PROFILE_IMAGE_MAX_LENGTH
    )

    def __init__(self, *args: Any, actor: User | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.actor = actor
        self.original_role = self.instance.role

    def _new_value_check(
        self, field: str, value: str | None, rule: Callable[[str], str | None], label: str
    ) -> None:
        """A new value obeys the API's rule for the field, by the same function; an unchanged
        one is left alone (a name made by createsuperuser, a value stored before the rule),
        so that editing another field of the account is not refused for it."""
        if value and value != getattr(self.instance, field):
            problem = rule(value)
            if problem is not None:
                raise ValidationError(f"{label} {problem}", code=f"invalid_{field}")

    def clean_username(self) -> str | None:
        username = self.cleaned_data.get("username") or None  # blank: "not registered"
        self._new_value_check("username", username, username_problem, "Username")
        return username

    def clean_bio(self) -> str:
        bio = self.cleaned_data.get("bio") or ""
        self._new_value_check("bio", bio, bio_problem, "Bio")
        return bio

    def clean_profile_image(self) -> str | None:
        profile_image = self.cleaned_data.get("profile_image") or None  # the API answers null
        self._new_value_check(
            "profile_image", profile_image, profile_image_problem, "Profile image"
        )
        return profile_image

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        role = cleaned.get("role")
        if role is not None and role != self.original_role:
            try:
                moderation.role_change_check(actor=self.actor, user=self.instance, role=role)
            except ServiceError as exc:
                raise ValidationError({"role": exc.message}) from None
        return cleaned


class ReadOnlyInline(admin.TabularInline):
    """Rows shown on the account's page that staff change only through the flows' actions."""

    extra = 0
    max_num = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class WalletInline(ReadOnlyInline):
    model = Wallet
    fields = readonly_fields = ("address", "is_primary", "linked_at", "unlink")
    ordering = ("-is_primary", "linked_at")

    @admin.display(description="unlink")
    def unlink(self, obj: Wallet) -> str:
        """Unlinking is the wallets list's action (the staff flow, audited): a link to it."""
        if obj.pk is None or obj.is_primary:
            return "-"
        return format_html('<a href="{}">Unlink…</a>', _changelist_url(Wallet, q=obj.address))


class SignInInline(ReadOnlyInline):
    model = SignIn
    verbose_name = "live sign-in"
    verbose_name_plural = "live sign-ins"
    fields = readonly_fields = (
        "wallet",
        "created_at",
        "last_used_at",
        "ip_address",
        "country",
        "device",
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).filter(revoked_at__isnull=True)

    @admin.display(description="device")
    def device(self, obj: SignIn) -> str:
        return device_name(obj.user_agent)


@admin.register(User)
class UserAdmin(admin.ModelAdmin):
    form = UserAdminForm
    list_display = ["address", "username", "role", "status", "last_login", "created_at"]
    list_display_links = ["address", "username"]
    list_filter = ["role", "is_banned", RegisteredFilter, ("created_at", JoinedFilter)]
    # Any of an account's wallets finds it; the primary's address is the account's own.
    search_fields = ["address", "=wallets__address", "username", "email"]
    ordering = ["-created_at"]
    list_per_page = 50
    show_full_result_count = False
    actions = ["ban_users", "unban_users", "revoke_all_sessions"]
    inlines = [WalletInline, SignInInline]
    readonly_fields = [
        "id",
        "address",
        "is_banned",
        "created_at",
        "updated_at",
        "last_login",
        "username_changed_at",
        "links",
    ]
    fieldsets = [
        (None, {"fields": ["id", "address", "username", "email", "bio", "profile_image"]}),
        ("Role and status", {"fields": ["role", "is_banned"]}),
        ("Dates", {"fields": ["created_at", "updated_at", "last_login", "username_changed_at"]}),
        ("Related", {"fields": ["links"]}),
    ]

    @admin.display(description="status", ordering="is_banned")
    def status(self, obj: User) -> str:
        """A ban by the admin's red cross and the word, other accounts by its green tick: a
        boolean "banned" column would mark every ban with the tick that reads "all good"."""
        icon, label = ("icon-no.svg", "Banned") if obj.is_banned else ("icon-yes.svg", "Active")
        return format_html('<img src="{}" alt=""> {}', static(f"admin/img/{icon}"), label)

    @admin.display(description="wallets, sessions, audit trail and events")
    def links(self, obj: User) -> str:
        if obj.pk is None:
            return "-"
        return format_html(
            '<a href="{}">Wallets</a> · <a href="{}">All sign-ins</a> · '
            '<a href="{}">Audit trail</a> · <a href="{}">Webhook events</a>',
            _changelist_url(Wallet, user__id__exact=obj.pk),
            _changelist_url(SignIn, user__id__exact=obj.pk),
            _changelist_url(AuditEvent, subject_uuid=obj.pk),
            _changelist_url(Event, subject_uuid=obj.pk),
        )

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any
    ) -> type[forms.ModelForm]:
        form_class = super().get_form(request, obj, change=change, **kwargs)
        actor = _actor(request)

        # The admin's form class for this request, bound to its actor: a base that mypy
        # cannot know before run time.
        class BoundForm(form_class):  # type: ignore[misc,valid-type]
            def __init__(self, *args: Any, **kw: Any) -> None:
                super().__init__(*args, actor=actor, **kw)

        return BoundForm

    # Accounts come from wallet sign-ins and the create_super_admin command; deleting one
    # goes through the account-deletion flow, which scrubs the audit trail.
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_ban_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm(BAN_PERMISSION)

    def has_revoke_sessions_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm(REVOKE_SESSIONS_PERMISSION)

    def save_model(
        self, request: HttpRequest, obj: User, form: UserAdminForm, change: bool
    ) -> None:
        role = obj.role
        obj.role = form.original_role  # the role changes only through the moderation flow
        changed = [name for name in form.changed_data if name != "role"]
        if changed:
            moderation.user_fields_save(user=obj, fields=changed)
            audit_record_request(
                request=request,
                action=AuditAction.USER_UPDATED,
                subject=obj,
                detail={"via": "admin", "fields": changed},
            )
        if role != form.original_role:
            moderation.user_role_set(
                actor=_actor(request), user=obj, role=role, origin=_origin(request)
            )
            obj.role = role

    @admin.action(description="Ban selected users (revokes all their tokens)", permissions=["ban"])
    def ban_users(self, request: HttpRequest, queryset: QuerySet) -> None:
        _run_per_user(
            self,
            request,
            list(queryset),
            lambda user: moderation.user_ban(
                actor=_actor(request), user=user, reason="admin action", origin=_origin(request)
            ),
            "Banned",
        )

    @admin.action(description="Unban selected users", permissions=["ban"])
    def unban_users(self, request: HttpRequest, queryset: QuerySet) -> None:
        _run_per_user(
            self,
            request,
            list(queryset),
            lambda user: moderation.user_unban(
                actor=_actor(request), user=user, origin=_origin(request)
            ),
            "Unbanned",
        )

    @admin.action(
        description="Revoke all sessions of selected users", permissions=["revoke_sessions"]
    )
    def revoke_all_sessions(self, request: HttpRequest, queryset: QuerySet) -> None:
        _run_per_user(
            self,
            request,
            list(queryset),
            lambda user: moderation.sign_ins_revoke_all(
                actor=_actor(request), user=user, origin=_origin(request)
            ),
            "Revoked every session",
        )


# --- Sessions (sign-ins) ---------------------------------------------------------------------
RevokedFilter = presence_filter(
    title="state",
    parameter="state",
    field="revoked_at",
    present=("revoked", "Revoked"),
    absent=("live", "Live"),
)


@admin.register(SignIn)
class SignInAdmin(ReadOnlyAdmin):
    list_display = [
        "user",
        "wallet",
        "created_at",
        "last_used_at",
        "ip_address",
        "country",
        "device",
        "is_live",
        "revoked_reason",
    ]
    list_filter = [RevokedFilter, "created_at", "revoked_reason"]
    search_fields = ["user__address", "user__username", "wallet", "ip_address", "user_agent"]
    list_select_related = ["user"]
    ordering = ["-created_at"]
    actions = ["revoke_sign_ins"]
    fields = readonly_fields = (
        "id",
        "user",
        "wallet",
        "created_at",
        "last_used_at",
        "expires_at",
        "ip_address",
        "country",
        "user_agent",
        "device",
        "revoked_at",
        "revoked_reason",
    )

    @admin.display(description="device")
    def device(self, obj: SignIn) -> str:
        return device_name(obj.user_agent)

    @admin.display(boolean=True, description="live")
    def is_live(self, obj: SignIn) -> bool:
        return obj.revoked_at is None

    def lookup_allowed(self, lookup: str, value: str, request: HttpRequest | None = None) -> bool:
        return lookup == "user__id__exact" or super().lookup_allowed(lookup, value, request)

    def has_revoke_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm(REVOKE_SESSIONS_PERMISSION)

    @admin.action(description="Revoke selected sessions", permissions=["revoke"])
    def revoke_sign_ins(self, request: HttpRequest, queryset: QuerySet) -> None:
        revoked, refused = 0, []
        for sign_in in queryset.select_related("user"):
            try:
                revoked += moderation.sign_in_revoke(
                    actor=_actor(request), sign_in=sign_in, origin=_origin(request)
                )
            except ServiceError as exc:
                refused.append(f"{sign_in.user}: {exc.message}")
        self.message_user(request, f"Revoked {revoked} session(s).", messages.SUCCESS)
        for refusal in refused:
            self.message_user(request, refusal, messages.ERROR)


# --- Wallets ---------------------------------------------------------------------------------
@admin.register(Wallet)
class WalletAdmin(ReadOnlyAdmin):
    """Every account's wallets; staff unlink them with the action, through the staff flow."""

    list_display = ["address", "user", "is_primary", "linked_at"]
    list_filter = ["is_primary", "linked_at"]
    search_fields = ["=address", "=user__address", "user__username"]
    list_select_related = ["user"]
    ordering = ["-linked_at"]
    actions = ["unlink_wallets"]
    fields = readonly_fields = ("address", "user", "is_primary", "linked_at")

    def lookup_allowed(self, lookup: str, value: str, request: HttpRequest | None = None) -> bool:
        return lookup == "user__id__exact" or super().lookup_allowed(lookup, value, request)

    def has_unlink_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm(UNLINK_WALLET_PERMISSION)

    @admin.action(
        description="Unlink selected wallets (revokes their sessions)", permissions=["unlink"]
    )
    def unlink_wallets(self, request: HttpRequest, queryset: QuerySet) -> None:
        _run_per_user(
            self,
            request,
            list(queryset.select_related("user")),
            lambda wallet: moderation.wallet_unlink(
                actor=_actor(request), wallet=wallet, origin=_origin(request)
            ),
            "Unlinked",
            noun="wallet(s)",
        )


# --- Audit trail (read-only for everyone) ----------------------------------------------------
@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "action", "actor_display", "subject_display", "ip_address"]
    list_filter = ["action", "created_at"]
    search_fields = ["subject__address", "subject__username", "actor__username", "ip_address"]
    list_select_related = ["actor", "subject"]
    date_hierarchy = "created_at"
    fields = readonly_fields = (
        "created_at",
        "action",
        "actor",
        "actor_uuid",
        "subject",
        "subject_uuid",
        "ip_address",
        "user_agent",
        "detail",
    )

    @admin.display(description="actor", ordering="actor")
    def actor_display(self, obj: AuditEvent) -> str:
        if obj.actor is not None:
            return str(obj.actor)
        return f"deleted {obj.actor_uuid}" if obj.actor_uuid else "system / operator"

    @admin.display(description="subject", ordering="subject")
    def subject_display(self, obj: AuditEvent) -> str:
        if obj.subject is not None:
            return str(obj.subject)
        return f"deleted {obj.subject_uuid}" if obj.subject_uuid else "-"

    def lookup_allowed(self, lookup: str, value: str, request: HttpRequest | None = None) -> bool:
        return lookup in {"subject_uuid", "actor_uuid"} or super().lookup_allowed(
            lookup, value, request
        )
