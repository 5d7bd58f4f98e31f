"""Admin building blocks shared by every app's admin.py (the admin is a door onto services)."""

import csv

from django.contrib import admin
from django.contrib.admin.utils import label_for_field, lookup_field
from django.db import transaction
from django.http import StreamingHttpResponse
from django.utils import timezone
from django.utils.text import capfirst

from core.csv import EchoBuffer, csv_cell


class ViewOnlyMixin:
    """An admin page (or inline) that adds, changes and deletes nothing: the services are the
    only writers of its rows."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ViewOnlyInlineMixin(ViewOnlyMixin):
    """A view-only inline: its rows are listed, no empty forms, no delete boxes."""

    extra = 0
    can_delete = False


class ServiceDeleteMixin:
    """`delete_model` and `delete_queryset` through one service call per object.

    Set `delete_service` to a function taking the object and the acting user; the bulk
    "delete selected" action then deletes all of the selection or, if any refusal is
    raised, none of it.
    """

    def delete_service(self, obj, *, actor) -> None:
        raise NotImplementedError

    def delete_model(self, request, obj):
        self.delete_service(obj, actor=request.user)

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            for obj in queryset:
                self.delete_service(obj, actor=request.user)


# --- "Export selected as CSV" ------------------------------------------------------------------

# Never exported, whatever a list_display or csv_fields names.
CSV_SECRET_FIELDS = frozenset(
    {"password", "token_digest", "session_key", "fingerprint", "key", "secret", "number_hash"}
)
CSV_CHUNK_SIZE = 500


def csv_columns(modeladmin, request) -> list:
    """The admin's `csv_fields`, else its changelist columns; secret fields never."""
    names = getattr(modeladmin, "csv_fields", None) or modeladmin.get_list_display(request)
    return [
        name
        for name in names
        if name != "action_checkbox" and not (isinstance(name, str) and name in CSV_SECRET_FIELDS)
    ]


def _csv_value(name, obj, modeladmin) -> str:
    field, _attr, value = lookup_field(name, obj, modeladmin)
    if field is not None and getattr(field, "flatchoices", None):
        value = dict(field.flatchoices).get(value, value)
    return csv_cell(value)


@admin.action(description="Export selected as CSV", permissions=["view"])
def export_as_csv(modeladmin, request, queryset):
    """Stream the selection as CSV, one row per object, in the changelist's order."""
    columns = csv_columns(modeladmin, request)
    model = modeladmin.model
    header = [capfirst(str(label_for_field(name, model, modeladmin))) for name in columns]
    writer = csv.writer(EchoBuffer())

    def rows():
        yield "\ufeff"  # a BOM, so that spreadsheets read the file as UTF-8
        yield writer.writerow(header)
        for obj in queryset.iterator(chunk_size=CSV_CHUNK_SIZE):
            yield writer.writerow([_csv_value(name, obj, modeladmin) for name in columns])

    filename = f"{model._meta.model_name}-{timezone.localdate():%Y-%m-%d}.csv"
    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
