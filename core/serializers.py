"""Serializers shared by every app: bulk-delete input and output, the 409 error schema."""

from drf_standardized_errors.openapi_serializers import ClientErrorEnum
from rest_framework import serializers

from core.constants import BULK_MAX_IDS


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
    return type(name, (serializers.Serializer,), {"ids": ids, "__module__": __name__})


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
