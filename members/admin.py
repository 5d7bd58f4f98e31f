from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from members import services
from members.forms import UserChangeForm, UserCreationForm
from members.models import RetiredMemberId, User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    form = UserChangeForm
    add_form = UserCreationForm
    list_display = ["id", "username", "real_name", "email", "tz", "is_staff", "is_active"]
    search_fields = ["id", "username", "real_name", "email"]
    list_filter = ["tz", "is_staff", "is_superuser", "is_active"]
    ordering = ["id"]
    readonly_fields = ["id", "last_login", "date_joined"]
    fieldsets = [
        (None, {"fields": ["id", "username", "password"]}),
        ("Profile", {"fields": ["real_name", "email", "tz", "first_name", "last_name"]}),
        (
            "Permissions",
            {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]},
        ),
        ("Dates", {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (
            None,
            {
                "classes": ["wide"],
                "fields": ["username", "real_name", "email", "tz", "password1", "password2"],
            },
        ),
    ]

    def delete_model(self, request, obj):
        services.user_delete(user=obj)

    def delete_queryset(self, request, queryset):
        for user in queryset:
            services.user_delete(user=user)


@admin.register(RetiredMemberId)
class RetiredMemberIdAdmin(admin.ModelAdmin):
    list_display = ["id", "retired_at"]
    search_fields = ["id"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
