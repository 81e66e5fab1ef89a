"""The staff back-office on Django's admin site: users, their wallets, sessions (sign-ins), the
audit trail.

Who may do what is asked of ``permissions.rules`` (through ``User.has_perm``), and every
change goes through ``backoffice.moderation``, so the admin site, the commands and the API
share one set of rules and one audit trail. Plain admins look, ban, unban and revoke
sessions and unlink wallets; only super-admins edit accounts and roles.
"""

import uuid
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.templatetags.static import static
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.views.decorators.http import require_POST

from accounts.models import User, Wallet
from accounts.profile_values import PROFILE_IMAGE_MAX_LENGTH, bio_problem, profile_image_problem
from accounts.usernames import username_problem
from audit.models import AuditAction, AuditEvent
from audit.services import admin_actor, admin_origin, audit_record_request
from backoffice import moderation, suspicious
from backoffice.task_queue_admin import task_queue_pages_register
from core.admin import ReadOnlyAdmin
from core.errors import ServiceError
from events.models import Event
from permissions.rules import (
    BAN_PERMISSION,
    REVOKE_SESSIONS_PERMISSION,
    UNLINK_WALLET_PERMISSION,
    is_super_admin,
)
from signin import selectors as signin_selectors
from signin.devices import device_name
from signin.models import SignIn
from webhooks import selectors as webhook_selectors
from webhooks.models import Delivery

# Roles, not Django groups, decide what staff may do.
admin.site.unregister(Group)
task_queue_pages_register(admin.site)
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


def _uuid_or_none(value: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(value)
    except ValueError:
        return None


# The account's page lists this many of its latest audit events; its audit trail has all.
RECENT_EVENTS = 20


class SuspiciousThresholdsForm(forms.Form):
    """The suspicious-activity page's query string; a bad value shows an error and the
    default is used."""

    hours = forms.IntegerField(min_value=1, max_value=24 * 31, label="in the last hours")
    new_accounts = forms.IntegerField(min_value=1, label="accounts from one address")
    refused_proofs = forms.IntegerField(min_value=1, label="refused proofs of one wallet")
    live_sessions = forms.IntegerField(min_value=1, label="sessions opened by one account")

    def __init__(self, data: Any = None) -> None:
        defaults = suspicious.Thresholds()
        initial = {name: getattr(defaults, name) for name in self.base_fields}
        super().__init__({**initial, **data.dict()} if data is not None else None, initial=initial)

    def thresholds(self) -> suspicious.Thresholds:
        if self.is_bound and self.is_valid():
            return suspicious.Thresholds(**self.cleaned_data)
        return suspicious.Thresholds()


class SuspiciousModerationForm(forms.Form):
    action = forms.ChoiceField(choices=[("ban", "ban"), ("revoke", "revoke")])
    user = forms.UUIDField(required=False)
    ip_address = forms.GenericIPAddressField(required=False)
    hours = forms.IntegerField(required=False, min_value=1, max_value=24 * 31)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if bool(cleaned.get("user")) == bool(cleaned.get("ip_address")):
            raise ValidationError("Name one account or one client address.")
        return cleaned


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
    inlines = [WalletInline]
    readonly_fields = [
        "id",
        "address",
        "is_banned",
        "created_at",
        "updated_at",
        "last_login",
        "username_changed_at",
        "links",
        "events_link",
    ]
    fieldsets = [
        (None, {"fields": ["id", "address", "username", "email", "bio", "profile_image"]}),
        ("Role and status", {"fields": ["role", "is_banned"]}),
        ("Dates", {"fields": ["created_at", "updated_at", "last_login", "username_changed_at"]}),
        ("Related", {"fields": ["links"]}),
    ]

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        """The account's events (the outbox) are linked for super-admins only, the one
        role that may open them; "Related" is the last fieldset."""
        fieldsets = super().get_fieldsets(request, obj)
        if not is_super_admin(request.user):
            return fieldsets
        *first, (name, options) = fieldsets
        return [*first, (name, {**options, "fields": [*options["fields"], "events_link"]})]

    @admin.display(description="status", ordering="is_banned")
    def status(self, obj: User) -> str:
        """A ban by the admin's red cross and the word, other accounts by its green tick: a
        boolean "banned" column would mark every ban with the tick that reads "all good"."""
        icon, label = ("icon-no.svg", "Banned") if obj.is_banned else ("icon-yes.svg", "Active")
        return format_html('<img src="{}" alt=""> {}', static(f"admin/img/{icon}"), label)

    @admin.display(description="wallets, sessions and audit trail")
    def links(self, obj: User) -> str:
        if obj.pk is None:
            return "-"
        return format_html(
            '<a href="{}">Wallets</a> · <a href="{}">All sign-ins</a> · '
            '<a href="{}">Audit trail</a>',
            _changelist_url(Wallet, user__id__exact=obj.pk),
            _changelist_url(SignIn, user__id__exact=obj.pk),
            _changelist_url(AuditEvent, subject_uuid=obj.pk),
        )

    @admin.display(description="webhook events")
    def events_link(self, obj: User) -> str:
        if obj.pk is None:
            return "-"
        return format_html(
            '<a href="{}">Webhook events</a>', _changelist_url(Event, subject_uuid=obj.pk)
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

    # --- The account's page: sessions to revoke, recent audit events -------------------------
    def get_urls(self) -> list[URLPattern]:
        view = self.admin_site.admin_view
        return [
            path(
                "suspicious/",
                view(self.suspicious_view),
                name="accounts_user_suspicious",
            ),
            path(
                "suspicious/moderate/",
                view(require_POST(self.suspicious_moderate_view)),
                name="accounts_user_suspicious_moderate",
            ),
            path(
                "<uuid:object_id>/sessions/revoke/",
                view(require_POST(self.sessions_revoke_view)),
                name="accounts_user_sessions_revoke",
            ),
            *super().get_urls(),
        ]

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        """The account's page, with its live sessions (each revocable, or all at once), its
        latest audit events and, for a super-admin, the latest webhook deliveries about it
        below the form."""
        user = self.get_object(request, object_id)
        if user is not None:
            extra_context = {
                **(extra_context or {}),
                "live_sessions": signin_selectors.sessions_live(user=user, current_sign_in_id=None),
                "recent_events": list(
                    AuditEvent.objects.filter(subject_uuid=user.pk).select_related("actor")[
                        :RECENT_EVENTS
                    ]
                ),
                "audit_trail_url": _changelist_url(AuditEvent, subject_uuid=user.pk),
                # Endpoints and deliveries are the super-admins' (webhooks/admin.py).
                "webhook_deliveries": webhook_selectors.deliveries_about_account(user_id=user.pk)
                if is_super_admin(request.user)
                else None,
                "webhook_deliveries_url": _changelist_url(Delivery, q=str(user.pk)),
                # The buttons' rule; the flow checks it again on the POST.
                "may_revoke": request.user.has_perm(REVOKE_SESSIONS_PERMISSION, user),
            }
        return super().change_view(request, object_id, form_url, extra_context)

    def sessions_revoke_view(self, request: HttpRequest, object_id: Any) -> HttpResponse:
        """POST ``sign_in=<id>`` revokes that session of the account, ``sign_in=all`` all
        of them, through the staff flows (audited, checked against the roles)."""
        user = get_object_or_404(User, pk=object_id)
        if not request.user.has_perm(REVOKE_SESSIONS_PERMISSION):
            raise PermissionDenied
        choice = request.POST.get("sign_in", "")
        if choice == "all":
            _run_per_user(
                self,
                request,
                [user],
                lambda target: moderation.sign_ins_revoke_all(
                    actor=_actor(request), user=target, origin=_origin(request)
                ),
                "Revoked every session",
            )
        else:
            sign_in_id = _uuid_or_none(choice)
            sign_in = (
                SignIn.objects.filter(user=user, pk=sign_in_id).first() if sign_in_id else None
            )
            if sign_in is None:
                self.message_user(request, "No such session of this account.", messages.ERROR)
            else:
                _run_per_user(
                    self,
                    request,
                    [sign_in],
                    lambda target: moderation.sign_in_revoke(
                        actor=_actor(request), sign_in=target, origin=_origin(request)
                    ),
                    "Revoked",
                    noun="session(s)",
                )
        return HttpResponseRedirect(reverse("admin:accounts_user_change", args=[user.pk]))

    # --- Suspicious activity -------------------------------------------------------------------
    def suspicious_view(self, request: HttpRequest) -> HttpResponse:
        """Client addresses creating many accounts, wallets with many refused proofs,
        accounts with many live sessions; thresholds from the query string."""
        if not request.user.has_perm("accounts.view_user"):
            raise PermissionDenied
        form = SuspiciousThresholdsForm(request.GET or None)
        thresholds = form.thresholds()
        activity = suspicious.suspicious_activity(thresholds=thresholds)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "Suspicious activity",
            "form": form,
            "activity": activity,
            "query": request.GET.urlencode(),
            "may_ban": request.user.has_perm(BAN_PERMISSION),
            "may_revoke": request.user.has_perm(REVOKE_SESSIONS_PERMISSION),
            "audit_url": _changelist_url(AuditEvent),
            "sign_ins_url": _changelist_url(SignIn),
            "session_lifetime_hours": int(settings.SESSION_LIFETIME.total_seconds() // 3600),
        }
        return TemplateResponse(request, "admin/accounts/user/suspicious.html", context)

    def suspicious_moderate_view(self, request: HttpRequest) -> HttpResponse:
        """POST from the suspicious-activity page: ban the account(s) or revoke their
        sessions; one account (``user``) or every account created from a client address
        (``ip_address``) in the last ``hours``."""
        form = SuspiciousModerationForm(request.POST)
        back = reverse("admin:accounts_user_suspicious")
        if form.data.get("query"):
            back += "?" + form.data["query"]
        if not form.is_valid():
            for field, errors in form.errors.items():
                self.message_user(
                    request,
                    f"{field}: {' '.join(str(error) for error in errors)}".removeprefix(
                        "__all__: "
                    ),
                    messages.ERROR,
                )
            return HttpResponseRedirect(back)
        data = form.cleaned_data
        ban = data["action"] == "ban"
        if not request.user.has_perm(BAN_PERMISSION if ban else REVOKE_SESSIONS_PERMISSION):
            raise PermissionDenied
        if data["ip_address"]:
            hours = data["hours"] or suspicious.Thresholds().hours
            since = timezone.now() - timedelta(hours=hours)
            users = suspicious.accounts_created_from(ip_address=data["ip_address"], since=since)
        else:
            users = list(User.objects.filter(pk=data["user"]))
        if not users:
            self.message_user(request, "No account to act on.", messages.WARNING)
        elif ban:
            _run_per_user(
                self,
                request,
                users,
                lambda user: moderation.user_ban(
                    actor=_actor(request),
                    user=user,
                    reason="suspicious activity",
                    origin=_origin(request),
                ),
                "Banned",
            )
        else:
            _run_per_user(
                self,
                request,
                users,
                lambda user: moderation.sign_ins_revoke_all(
                    actor=_actor(request), user=user, origin=_origin(request)
                ),
                "Revoked every session",
            )
        return HttpResponseRedirect(back)


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
