from django.contrib import admin

from carbon import services
from carbon.models import Usage, UsageType
from core.admin import ServiceDeleteMixin, export_as_csv


@admin.register(UsageType)
class UsageTypeAdmin(ServiceDeleteMixin, admin.ModelAdmin):
    list_display = ["id", "name", "unit", "factor", "scope", "source"]
    search_fields = ["name", "unit", "source"]
    list_filter = ["scope", "unit"]
    actions = [export_as_csv]

    def save_model(self, request, obj, form, change):
        # The admin is a door like the API: the type is written by the carbon services.
        fields = services.USAGE_TYPE_FIELDS & set(form.cleaned_data)
        if change:
            stored = UsageType.objects.get(pk=obj.pk)
            data = {name: form.cleaned_data[name] for name in fields & set(form.changed_data)}
            services.usage_type_update(usage_type=stored, data=data)
        else:
            saved = services.usage_type_create(**{name: form.cleaned_data[name] for name in fields})
            obj.pk = saved.pk

    def delete_service(self, obj, *, actor):
        services.usage_type_delete(usage_type=obj)


@admin.register(Usage)
class UsageAdmin(admin.ModelAdmin):
    # Five short columns fit a 1,366 px screen; the factor and ids are on each usage's page
    # and in the CSV export.
    list_display = ["usage_at", "member", "usage_type", "amount", "co2e_kg"]
    csv_fields = ["id", "user", "usage_type", "usage_at", "amount", "factor", "co2e_kg"]
    list_select_related = ["user", "usage_type"]
    actions = [export_as_csv]
    list_filter = ["usage_type"]
    search_fields = ["user__username", "user__id"]
    date_hierarchy = "usage_at"
    raw_id_fields = ["user"]
    readonly_fields = ["factor", "co2e_kg", "created_at", "updated_at"]

    @admin.display(description="member", ordering="user__username")
    def member(self, usage: Usage) -> str:
        return usage.user.username

    def save_model(self, request, obj, form, change):
        # Factor and emissions are frozen by the services, never typed in by hand.
        if change:
            data = {name: form.cleaned_data[name] for name in form.changed_data}
            # `obj` already holds the form's values; compare against what is stored.
            services.usage_update(usage=Usage.objects.get(pk=obj.pk), data=data)
        else:
            saved = services.usage_create(
                user=obj.user, usage_type=obj.usage_type, usage_at=obj.usage_at, amount=obj.amount
            )
            obj.pk = saved.pk

    def delete_model(self, request, obj):
        services.usage_delete(usage=obj)

    def delete_queryset(self, request, queryset):
        services.usages_bulk_delete(
            queryset=queryset, ids=list(queryset.values_list("pk", flat=True))
        )
