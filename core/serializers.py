"""Serializers shared by every app: the strict-fields base of every write body, bulk-delete
input and output, the 409 error schema."""

import re
from collections.abc import Mapping

from drf_standardized_errors.openapi_serializers import ClientErrorEnum
from rest_framework import serializers
from rest_framework.exceptions import ErrorDetail

from core.constants import BULK_MAX_IDS

UNKNOWN_FIELD = "unknown_field"
_DIGITS = re.compile(r"-?[0-9]+")
READ_ONLY = "read_only"


class StrictFieldsMixin:
    # For every serializer of a write body: a field the body must not carry is refused, not
    # silently dropped (a client that believes it set `is_staff` or `total` must not get a
    # 2xx). Each offending field is its own error, `attr` = its name: code `read_only` for a
    # field the response shows but no client sets, `unknown_field` for any other name.
    # `unknown_field_details` gives a name its own detail (e.g. where it is changed instead).
    # (A comment, not a docstring: the schema would show a docstring as each serializer's.)

    unknown_field_details: dict[str, str] = {}

    def to_internal_value(self, data):
        if not isinstance(data, Mapping):  # the field's own "expected an object" error
            return super().to_internal_value(data)
        refused = self.refused_fields(data)
        try:
            value = super().to_internal_value(data)
        except serializers.ValidationError as exc:
            if refused and isinstance(exc.detail, dict):
                raise serializers.ValidationError({**exc.detail, **refused}) from None
            raise
        if refused:
            raise serializers.ValidationError(refused)
        return value

    def refused_fields(self, data: Mapping) -> dict[str, list[ErrorDetail]]:
        """The names in `data` that no client may set, each with its error."""
        fields = self.fields
        writable = sorted(name for name, field in fields.items() if not field.read_only)
        refused = {}
        for name in data:
            field = fields.get(name)
            if field is not None and not field.read_only:
                continue
            if field is not None:
                detail, code = f"{name} is read-only: it cannot be set.", READ_ONLY
            else:
                detail = self.unknown_field_details.get(name) or (
                    f"Unknown field {str(name)!r}. Allowed: {', '.join(writable) or 'none'}."
                )
                code = UNKNOWN_FIELD
            refused[str(name)] = [ErrorDetail(detail, code=code)]
        return refused


class WholeNumberField(serializers.IntegerField):
    """An integer as JSON sends it (or a string of ASCII digits, as a form does). DRF's own
    field reads anything Python's int() reads: "1_000", full-width digits, " 3 ", true."""

    def to_internal_value(self, data):
        if isinstance(data, bool) or (isinstance(data, str) and not _DIGITS.fullmatch(data)):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictSerializer(StrictFieldsMixin, serializers.Serializer):
    pass


class StrictModelSerializer(StrictFieldsMixin, serializers.ModelSerializer):
    pass


class FlatListField(serializers.ListField):
    """A ListField whose item errors are reported on the list itself (`attr` = the field name),
    so clients and the schema see one attribute instead of `ids.0`, `ids.1`, ..."""

    default_error_messages = {"invalid": "Item {index}: {message}"}

    def run_child_validation(self, data):
        result = []
        for index, item in enumerate(data):
            try:
                result.append(self.child.run_validation(item))
            except serializers.ValidationError as exc:
                message = exc.detail[0] if isinstance(exc.detail, list) else exc.detail
                self.fail("invalid", index=index, message=message)
        return result


def bulk_delete_serializer(
    name: str, *, child: serializers.Field, help_text: str
) -> type[serializers.Serializer]:
    """A `{"ids": [...]}` body of 1 to BULK_MAX_IDS ids of the given kind (named for the schema)."""
    ids = FlatListField(child=child, min_length=1, max_length=BULK_MAX_IDS, help_text=help_text)
    return type(name, (StrictSerializer,), {"ids": ids, "__module__": __name__})


class BulkDeleteResultSerializer(serializers.Serializer):
    deleted = serializers.IntegerField(help_text="How many were deleted.")


class _ConflictError(serializers.Serializer):
    code = serializers.CharField(help_text="Why, e.g. conflict, insufficient_stock, in_use.")
    detail = serializers.CharField()
    attr = serializers.CharField(
        allow_null=True, help_text='The field, e.g. "2.quantity" for line 2 of a list body.'
    )


class ConflictErrorResponseSerializer(serializers.Serializer):
    """The body of every 409: the request conflicts with what is stored; nothing changed."""

    type = serializers.ChoiceField(choices=ClientErrorEnum.choices)
    errors = _ConflictError(many=True)
