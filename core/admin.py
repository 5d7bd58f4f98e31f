"""Admin building blocks shared by every app's admin.py (the admin is a door onto services)."""

from django.db import transaction


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
