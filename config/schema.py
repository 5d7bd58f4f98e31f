"""The OpenAPI schema class that settings name (kept apart from config.api: importing
drf-spectacular's machinery while DRF loads its filter backends would be circular)."""

from drf_spectacular.utils import PolymorphicProxySerializer
from drf_standardized_errors import openapi as drf_errors_openapi
from drf_standardized_errors.openapi_serializers import ValidationErrorEnum
from drf_standardized_errors.openapi_utils import get_error_serializer
from drf_standardized_errors.settings import package_settings
from inflection import camelize
from rest_framework import filters, serializers

from core.serializers import READ_ONLY, UNKNOWN_FIELD, StrictFieldsMixin

# The discriminator value of the error that names a refused field: any name may be sent, so
# that error's `attr` is any string (it cannot be listed like the writable fields).
REFUSED_FIELD = "<refused field>"


def _refused_field_error(operation_id: str) -> type[serializers.Serializer]:
    class RefusedFieldErrorSerializer(serializers.Serializer):
        attr = serializers.CharField(
            help_text="The refused field: read-only (code read_only) or unknown (unknown_field)."
        )
        code = serializers.ChoiceField(choices=[(c, c) for c in (READ_ONLY, UNKNOWN_FIELD)])
        detail = serializers.CharField()

        class Meta:
            suffix = package_settings.ERROR_COMPONENT_NAME_SUFFIX
            ref_name = f"{camelize(operation_id)}RefusedField{suffix}"

    return RefusedFieldErrorSerializer


def _is_strict(serializer) -> bool:
    serializer = getattr(serializer, "child", serializer)  # a list body: its lines
    cls = serializer if isinstance(serializer, type) else type(serializer)
    return issubclass(cls, StrictFieldsMixin)


# One tag per app, from the module of the view (the most specific prefix wins); the tags'
# descriptions are SPECTACULAR_SETTINGS["TAGS"].
APP_TAGS = {
    "members.sync": "sync",
    "members": "members",
    "activity": "activity",
    "carbon": "carbon",
    "inventory": "inventory",
    "randomdata": "random data",
}


def app_tag(module: str) -> str | None:
    """The tag of a view defined in `module`, or None outside the apps."""
    for prefix, tag in sorted(APP_TAGS.items(), key=lambda item: -len(item[0])):
        if module == prefix or module.startswith(f"{prefix}."):
            return tag
    return None


class AutoSchema(drf_errors_openapi.AutoSchema):
    """drf-standardized-errors' schema, plus the 400s our paginator and ordering filter raise
    on every list (`page_size` out of range, unknown `ordering` field), the error naming a
    refused field of a strict body, and one tag per app."""

    def get_tags(self):
        tag = app_tag(type(self.view).__module__)
        return [tag] if tag else super().get_tags()

    def _get_serializer_for_validation_error_response(self):
        # drf-standardized-errors' per-field errors, plus (for a StrictFieldsMixin body) the
        # error naming a field the body must not carry, whose attr is whatever was sent.
        if not (
            self.method in ("PUT", "PATCH", "POST") and _is_strict(self.get_request_serializer())
        ):
            return super()._get_serializer_for_validation_error_response()
        fields = self._determine_fields_with_error_codes()
        codes_by_field = self._get_validation_error_codes_by_field(fields)
        operation_id = self.get_operation_id()
        sub_serializers = {
            name: get_error_serializer(operation_id, name, codes)
            for name, codes in codes_by_field.items()
        }
        sub_serializers[REFUSED_FIELD] = _refused_field_error(operation_id)

        class ValidationErrorSerializer(serializers.Serializer):
            type = serializers.ChoiceField(choices=ValidationErrorEnum.choices)
            errors = PolymorphicProxySerializer(
                component_name=f"{camelize(operation_id)}Error",
                resource_type_field_name="attr",
                serializers=sub_serializers,
                many=True,
            )

            class Meta:
                ref_name = f"{camelize(operation_id)}ValidationError"

        return ValidationErrorSerializer

    def _get_extra_validation_errors(self):
        extra = {name: set(codes) for name, codes in super()._get_extra_validation_errors().items()}
        if self.method != "GET" or not self._is_list_view():
            return extra
        paginator = self._get_paginator()
        if paginator is not None and getattr(paginator, "page_size_query_param", None):
            extra.setdefault(paginator.page_size_query_param, set()).add("invalid")
        for backend in self.get_filter_backends():
            if issubclass(backend, filters.OrderingFilter) and getattr(
                self.view, "ordering_fields", None
            ):
                extra.setdefault(backend.ordering_param, set()).add("invalid")
        return extra
