import zoneinfo

from django import forms
from django.conf import settings
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.html import format_html, format_html_join

from core.admin import ServiceDeleteMixin, export_as_csv
from members import services
from members.forms import UserChangeForm, UserCreationForm
from members.models import (
    RetiredMemberId,
    SyncAttempt,
    SyncDelivery,
    SyncEvent,
    SyncInbound,
    SyncPeerState,
    SyncShare,
    User,
)
from members.sync import delivery as sync_delivery
from members.sync.peers import peers_configured
from members.tasks import sync_deliver
from members.validators import IANA_TIME_ZONES

ADD_FIELDS = ("username", "real_name", "email", "tz")  # and the two password entries

# Zones the standard library and the model's validator (pytz) both know, sorted: every one
# of them can be stored and used to show a member's activity.
TIME_ZONE_CHOICES = sorted(zoneinfo.available_timezones() & IANA_TIME_ZONES)
TIME_ZONE_LIST_ID = "time-zone-names"


class TimeZoneInput(forms.TextInput):
    """A text box searchable by any part of a zone name (a <datalist>: typing "kolk" offers
    Asia/Kolkata), where a 600-entry <select> is searchable only by its first letters."""

    def __init__(self, attrs=None):
        super().__init__({"list": TIME_ZONE_LIST_ID, "autocomplete": "off", **(attrs or {})})

    def render(self, name, value, attrs=None, renderer=None):
        options = format_html_join("", '<option value="{}">', ((tz,) for tz in TIME_ZONE_CHOICES))
        datalist = format_html('<datalist id="{}">{}</datalist>', TIME_ZONE_LIST_ID, options)
        return super().render(name, value, attrs, renderer) + datalist


def time_zone_field(**kwargs) -> forms.ChoiceField:
    """The member form's time zone: one of TIME_ZONE_CHOICES; new members get TIME_ZONE."""
    return forms.ChoiceField(
        choices=[(tz, tz) for tz in TIME_ZONE_CHOICES],
        widget=TimeZoneInput,
        initial=settings.TIME_ZONE,
        label=kwargs.get("label", "time zone"),
        help_text=kwargs.get("help_text", ""),
        required=kwargs.get("required", True),
        error_messages={
            "invalid_choice": "%(value)s is not a known IANA time zone "
            "(e.g. Europe/Berlin, America/Los_Angeles)."
        },
    )


@admin.register(User)
class UserAdmin(ServiceDeleteMixin, DjangoUserAdmin):
    form = UserChangeForm
    add_form = UserCreationForm
    actions = [export_as_csv]
    list_display = ["id", "username", "real_name", "email", "tz", "is_staff", "is_active"]
    search_fields = ["id", "username", "real_name", "email"]
    list_filter = ["tz", "is_staff", "is_superuser", "is_active"]
    ordering = ["id"]
    readonly_fields = ["id", "last_login", "date_joined", "origin_peer", "deactivated_by_peer"]
    # Who is staff or superuser, and who holds which permission, only a superuser decides.
    privilege_fields = ["is_staff", "is_superuser", "groups", "user_permissions"]
    fieldsets = [
        (None, {"fields": ["id", "username", "password"]}),
        # real_name is the one name; Django's first_name/last_name stay unused and hidden.
        ("Profile", {"fields": ["real_name", "email", "tz"]}),
        (
            "Permissions",
            {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]},
        ),
        ("Sync", {"fields": ["origin_peer", "deactivated_by_peer"]}),
        ("Dates", {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (
            None,
            {
                "classes": ["wide"],
                "fields": [*ADD_FIELDS, "password1", "password2"],
            },
        ),
    ]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "tz":
            return time_zone_field(label=db_field.verbose_name, help_text=db_field.help_text)
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            fields += self.privilege_fields
        return fields

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and (
            obj is None or services.user_change_allowed(actor=request.user, target=obj)
        )

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and (
            obj is None or services.user_change_allowed(actor=request.user, target=obj)
        )

    def save_model(self, request, obj, form, change):
        # A door onto the members services like the API: they allocate a never-used id, apply
        # who-may-change-whom and write the sync outbox, in the admin's transaction. Groups
        # and permissions (many-to-many) are saved after this by save_related, as usual.
        if change:
            m2m = {field.name for field in User._meta.many_to_many}
            data = {name: form.cleaned_data[name] for name in form.changed_data if name not in m2m}
            # `obj` already holds the form's values; the service compares with what is stored.
            stored = User.objects.get(pk=obj.pk)
            services.user_update(user=stored, data=data, actor=request.user)
            return
        user = services.user_create(
            **{name: form.cleaned_data[name] for name in ADD_FIELDS},
            password=form.cleaned_data["password1"],
            validate_password_strength=False,  # the form has checked it against this member
        )
        # The admin goes on with `obj` (change message, redirect to the new member's page).
        obj.pk = user.pk
        obj.refresh_from_db()
        obj._state.adding = False

    def delete_service(self, obj, *, actor):
        services.user_delete(user=obj, actor=actor)


@admin.register(RetiredMemberId)
class RetiredMemberIdAdmin(admin.ModelAdmin):
    list_display = ["id", "retired_at"]
    search_fields = ["id"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class SyncAttemptInline(admin.TabularInline):
    model = SyncAttempt
    extra = 0
    can_delete = False
    fields = ["at", "status_code", "duration_ms", "error"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(SyncDelivery)
class SyncDeliveryAdmin(admin.ModelAdmin):
    list_display = [
        "id",
        "event_type",
        "event_user",
        "peer",
        "status",
        "attempts",
        "last_status_code",
        "next_attempt_at",
        "delivered_at",
    ]
    list_filter = ["status", "peer"]
    search_fields = ["event__user_id", "event__id", "peer"]
    list_select_related = ["event"]
    readonly_fields = [f.name for f in SyncDelivery._meta.fields]
    inlines = [SyncAttemptInline]
    actions = ["retry_now"]

    @admin.display(description="type")
    def event_type(self, obj):
        return obj.event.type

    @admin.display(description="member")
    def event_user(self, obj):
        return obj.event.user_id

    @admin.action(description="Retry now")
    def retry_now(self, request, queryset):
        ids = list(queryset.values_list("pk", flat=True))
        count = sync_delivery.deliveries_reset(ids=ids)
        for delivery_id in ids:
            sync_deliver.delay(delivery_id)
        self.message_user(request, f"{count} deliveries queued for another attempt.")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(SyncEvent)
class SyncEventAdmin(admin.ModelAdmin):
    list_display = ["id", "type", "user_id", "origin_peer", "created_at"]
    list_filter = ["type", "origin_peer"]
    search_fields = ["id", "user_id"]
    readonly_fields = ["id", "type", "user_id", "data", "origin_peer", "created_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(SyncShare)
class SyncShareAdmin(admin.ModelAdmin):
    list_display = ["user", "peer", "shared_at"]
    list_filter = ["peer"]
    list_select_related = ["user"]
    search_fields = ["user__id", "user__username", "peer"]
    readonly_fields = ["user", "peer", "shared_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(SyncPeerState)
class SyncPeerStateAdmin(admin.ModelAdmin):
    list_display = ["name", "disabled_at", "disabled_reason"]
    readonly_fields = ["name", "disabled_at", "disabled_reason"]
    actions = ["enable"]
    change_list_template = "admin/members/syncpeerstate/change_list.html"

    def changelist_view(self, request, extra_context=None):
        # Which peers there are is configuration, not data: say where it lives. Names only,
        # never a URL's credentials or a secret.
        names = [peer.name for peer in peers_configured()]
        return super().changelist_view(
            request, {**(extra_context or {}), "configured_peer_names": names}
        )

    @admin.action(description="Re-enable (and resend what was held back)")
    def enable(self, request, queryset):
        total = sum(sync_delivery.peer_enable(name=peer.name) for peer in queryset)
        self.message_user(request, f"Re-enabled; {total} deliveries are due again.")

    def has_add_permission(self, request):
        return False


@admin.register(SyncInbound)
class SyncInboundAdmin(admin.ModelAdmin):
    list_display = ["webhook_id", "peer", "type", "user_id", "event_at", "received_at"]
    list_filter = ["peer", "type"]
    search_fields = ["webhook_id", "user_id"]
    readonly_fields = ["webhook_id", "peer", "type", "user_id", "event_at", "received_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
