"""Admin: periods inline on the member page, and their own list.

`activity` may depend on `members` but not the reverse, so the inline is added here by
re-registering the members admin with a subclass instead of editing members/admin.py.
"""

from django.contrib import admin

from activity.models import ActivityPeriod
from members.admin import UserAdmin
from members.models import User


class ActivityPeriodInline(admin.TabularInline):
    model = ActivityPeriod
    fields = ["start_time", "end_time"]
    ordering = ["start_time"]
    extra = 0


class MemberWithActivityAdmin(UserAdmin):
    inlines = [ActivityPeriodInline]

    def get_inlines(self, request, obj):
        # The add form creates the account first; periods are added on the change page.
        return self.inlines if obj is not None else []


if admin.site.is_registered(User):
    admin.site.unregister(User)
admin.site.register(User, MemberWithActivityAdmin)


@admin.register(ActivityPeriod)
class ActivityPeriodAdmin(admin.ModelAdmin):
    list_display = ["user", "start_time", "end_time"]
    list_filter = ["start_time", "user__tz", "user__is_active"]
    list_select_related = ["user"]
    search_fields = ["user__id", "user__username", "user__real_name"]
    date_hierarchy = "start_time"
    raw_id_fields = ["user"]
    ordering = ["-start_time"]
