from datetime import UTC
from decimal import Decimal

from django import forms
from django.contrib import admin
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html

from carbon import selectors, services
from carbon.models import EmissionFactor, Recalculation, Usage, UsageType
from carbon.units import unit_is_known, unit_parse
from core.admin import ServiceDeleteMixin, ViewOnlyInlineMixin, ViewOnlyMixin, export_as_csv
from core.exceptions import ApplicationError

FACTOR_HELP = (
    "kg CO2e per unit. On a new type: its first version, valid from 1900-01-01. On a change: a "
    "new value adds a version valid from today (UTC); saved usages keep their factor until a "
    "recalculation. For another date, add a version below."
)


class UsageTypeForm(forms.ModelForm):
    # Not a column: the type's factor is its versions' (carbon.models.EmissionFactor).
    factor = forms.DecimalField(
        max_digits=12, decimal_places=6, min_value=Decimal("0.000001"), help_text=FACTOR_HELP
    )

    class Meta:
        model = UsageType
        fields = ["name", "unit", "factor", "scope", "source"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            self.initial.setdefault("factor", self.instance.factor)

    def clean_unit(self):
        unit = self.cleaned_data["unit"]
        if unit and not unit_is_known(unit):
            try:
                unit_parse(unit)
            except ApplicationError as exc:
                raise forms.ValidationError(exc.detail, code=exc.code) from None
        if (
            self.instance.pk is not None
            and unit != self.instance.unit
            and self.instance.usages.exists()
        ):
            raise forms.ValidationError(
                "The unit of a type with usages cannot change: their amounts are in it.",
                code="not_updatable",
            )
        return unit

    def clean_factor(self):
        factor = self.cleaned_data["factor"]
        if self.instance.pk is not None and factor != self.instance.factor:
            today = timezone.now().astimezone(UTC).date()
            used = EmissionFactor.objects.filter(
                usage_type=self.instance, valid_from=today, usages__isnull=False
            )
            if used.exists():
                raise forms.ValidationError(
                    f"Today's version ({today}) is already used by usages and is never edited: "
                    "add a version from another date below.",
                    code="factor_version_exists",
                )
        return factor


class EmissionFactorInline(ViewOnlyInlineMixin, admin.TabularInline):
    model = EmissionFactor
    fields = ["valid_from", "factor", "source", "note", "created_by", "created_at"]
    readonly_fields = fields
    ordering = ["valid_from"]
    verbose_name = "factor version"
    verbose_name_plural = "factor versions (append-only: add one with the link above)"


@admin.register(UsageType)
class UsageTypeAdmin(ServiceDeleteMixin, admin.ModelAdmin):
    form = UsageTypeForm
    list_display = ["id", "name", "unit", "factor", "scope", "source"]
    search_fields = ["name", "unit", "source"]
    list_filter = ["scope", "unit"]
    actions = [export_as_csv]
    inlines = [EmissionFactorInline]
    readonly_fields = ["add_version"]

    def get_queryset(self, request):
        return selectors.usage_type_list()  # `factor` annotated: no query per row

    def get_fields(self, request, obj=None):
        fields = ["name", "unit", "factor", "scope", "source"]
        return [*fields, "add_version"] if obj is not None else fields

    @admin.display(description="factor versions")
    def add_version(self, obj: UsageType) -> str:
        url = reverse("admin:carbon_emissionfactor_add")
        return format_html('<a href="{}?usage_type={}">Add a factor version</a>', url, obj.pk)

    def save_model(self, request, obj, form, change):
        # The admin is a door like the API: the type is written by the carbon services.
        fields = services.USAGE_TYPE_FIELDS & set(form.cleaned_data)
        if change:
            stored = selectors.usage_type_list().get(pk=obj.pk)
            data = {name: form.cleaned_data[name] for name in fields & set(form.changed_data)}
            services.usage_type_update(usage_type=stored, data=data, actor=request.user)
        else:
            saved = services.usage_type_create(
                **{name: form.cleaned_data[name] for name in fields}, actor=request.user
            )
            obj.pk = saved.pk

    def get_inline_instances(self, request, obj=None):
        # The versions inline is view-only: a POST has nothing in it to save, so it is not a
        # formset to validate (a form posted without its management data still saves).
        if request.method == "POST":
            return []
        return super().get_inline_instances(request, obj)

    def delete_service(self, obj, *, actor):
        services.usage_type_delete(usage_type=obj)


@admin.register(EmissionFactor)
class EmissionFactorAdmin(admin.ModelAdmin):
    """Add-only: a version is never edited; one no usage uses yet may be deleted."""

    list_display = ["usage_type", "valid_from", "factor", "source", "created_by", "created_at"]
    list_filter = ["usage_type"]
    list_select_related = ["usage_type", "created_by"]
    search_fields = ["source", "note"]
    fields = ["usage_type", "factor", "valid_from", "source", "note"]
    readonly_fields = ["created_by", "created_at"]

    def get_fields(self, request, obj=None):
        return [*self.fields, *self.readonly_fields] if obj is not None else self.fields

    def get_readonly_fields(self, request, obj=None):
        return [*self.fields, *self.readonly_fields] if obj is not None else []

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.usages.exists():
            return False
        return super().has_delete_permission(request, obj)

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # one by one, each checked for usages
        return actions

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        saved = services.emission_factor_add(
            usage_type=data["usage_type"],
            factor=data["factor"],
            valid_from=data["valid_from"],
            source=data.get("source", ""),
            note=data.get("note", ""),
            actor=request.user,
        )
        obj.pk = saved.pk

    def delete_model(self, request, obj):
        services.emission_factor_delete(emission_factor=obj)


@admin.register(Recalculation)
class RecalculationAdmin(ViewOnlyMixin, admin.ModelAdmin):
    list_display = [
        "created_at",
        "usage_type",
        "usage_at_after",
        "usage_at_before",
        "usages_checked",
        "usages_changed",
        "co2e_kg_before",
        "co2e_kg_after",
        "run_by",
    ]
    list_filter = ["usage_type"]
    list_select_related = ["usage_type", "run_by"]


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
    readonly_fields = [
        "input_amount",
        "input_unit",
        "emission_factor",
        "factor",
        "co2e_kg",
        "created_at",
        "updated_at",
    ]

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
