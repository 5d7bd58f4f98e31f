"""Admin: periods inline on the member page, and their own list.

`activity` may depend on `members` but not the reverse, so the inline is added here by
re-registering the members admin with a subclass instead of editing members/admin.py.
Open periods (a login not yet logged out, expired or revoked) show "open" as their end.
"""

from django import forms
from django.contrib import admin

from activity.models import ActivityPeriod
from core.admin import export_as_csv
from members.admin import UserAdmin
from members.models import User

OPEN = "open"


class ActivityPeriodForm(forms.ModelForm):
    """A period written by hand has an end: only a login opens a period (and its logout,
    expiry or revocation closes it)."""

    class Meta:
        model = ActivityPeriod
        fields = ["start_time", "end_time"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is None or self.instance.end_time is not None:
            self.fields["end_time"].required = True


class ActivityPeriodInline(admin.TabularInline):
    model = ActivityPeriod
    form = ActivityPeriodForm
    fields = ["start_time", "end_time", "opened_by"]
    readonly_fields = ["opened_by"]
    ordering = ["start_time"]
    extra = 0

    def get_queryset(self, request):
        # Each row's title is the period's str(), which names its member.
        return super().get_queryset(request).select_related("user")

    @admin.display(description="opened by")
    def opened_by(self, period: ActivityPeriod) -> str:
        return _opened_by(period)


class MemberWithActivityAdmin(UserAdmin):
    inlines = [ActivityPeriodInline]

    def get_inlines(self, request, obj):
        # The add form creates the account first; periods are added on the change page.
        return self.inlines if obj is not None else []


if admin.site.is_registered(User):
    admin.site.unregister(User)
admin.site.register(User, MemberWithActivityAdmin)


def _opened_by(period: ActivityPeriod) -> str:
    # Which kind of login, never the digest or the session key themselves.
    if period.token_digest:
        return "API login"
    if period.session_key:
        return "session login"
    return "—"


class OpenPeriodFilter(admin.SimpleListFilter):
    title = "status"
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [(OPEN, "Open (logged in)"), ("closed", "Closed")]

    def queryset(self, request, queryset):
        if self.value() == OPEN:
            return queryset.filter(end_time__isnull=True)
        if self.value() == "closed":
            return queryset.filter(end_time__isnull=False)
        return queryset


@admin.register(ActivityPeriod)
class ActivityPeriodAdmin(admin.ModelAdmin):
    form = ActivityPeriodForm
    list_display = ["user", "start_time", "end", "opened_by"]
    list_filter = [OpenPeriodFilter, "start_time", "end_time", "user__tz", "user__is_active"]
    list_select_related = ["user"]
    search_fields = ["user__id", "user__username", "user__real_name"]
    date_hierarchy = "start_time"
    raw_id_fields = ["user"]
    ordering = ["-start_time"]
    actions = [export_as_csv]
    fields = ["user", "start_time", "end_time", "opened_by"]
    readonly_fields = ["opened_by"]

    @admin.display(description="end time", ordering="end_time", empty_value=OPEN)
    def end(self, period: ActivityPeriod):
        return period.end_time

    @admin.display(description="opened by")
    def opened_by(self, period: ActivityPeriod) -> str:
        return _opened_by(period)
