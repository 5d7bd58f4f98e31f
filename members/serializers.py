from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from drf_standardized_errors.openapi_serializers import ClientErrorEnum
from rest_framework import serializers
from rest_framework.validators import UniqueValidator

from core.serializers import StrictFieldsMixin, bulk_delete_serializer
from members import login_limits, selectors
from members.fields import TimeZoneField as ChoiceTimeZoneField
from members.ids import MEMBER_ID_LENGTH
from members.models import DEFAULT_TIME_ZONE, USERNAME_TAKEN, User


class UsernameField(serializers.CharField):
    """A username as it will be stored: NFKC-normalised (fullwidth ADMIN is plain ADMIN)
    before the validators see it."""

    def to_internal_value(self, data):
        return User.normalize_username(super().to_internal_value(data))


class UsernameAvailable:
    """No other member has this username, ignoring case (the table's constraint)."""

    requires_context = True
    code = "unique"  # documented in the schema's error codes, as UniqueValidator's is

    def __call__(self, value: str, serializer_field) -> None:
        if "\x00" in value:  # refused by validate_single_line; PostgreSQL cannot compare it
            return
        instance = getattr(serializer_field.parent, "instance", None)
        exclude_id = instance.pk if isinstance(instance, User) else None
        if selectors.username_taken(username=value, exclude_id=exclude_id):
            raise serializers.ValidationError(USERNAME_TAKEN, code=self.code)


class UsernameFieldMixin:
    # For ModelSerializers of User: `username` keeps the model's validators, is normalised
    # first, and is checked for case-insensitive uniqueness instead of an exact match. (A
    # comment, not a docstring: the schema would show a docstring as the serializers'.)

    def build_standard_field(self, field_name, model_field):
        field_class, kwargs = super().build_standard_field(field_name, model_field)
        if field_name == "username":
            field_class = UsernameField
            validators = kwargs.get("validators", [])
            kwargs["validators"] = [
                *(v for v in validators if not isinstance(v, UniqueValidator)),
                UsernameAvailable(),
            ]
        return field_class, kwargs


class TimeZoneField(ChoiceTimeZoneField):
    """An IANA time zone name; anything else is code `invalid_time_zone`, as everywhere."""

    default_error_messages = {
        "invalid_time_zone": '"{input}" is not a known IANA time zone (e.g. Europe/Berlin).'
    }

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.error_messages.pop("invalid_choice", None)  # never raised: not in the schema

    def to_internal_value(self, data):
        if data == "" and self.allow_blank:
            return ""
        try:
            return self.choice_strings_to_values[str(data)]
        except KeyError:
            self.fail("invalid_time_zone", input=data)


PASSWORD_NOT_HERE = "password changes are not made here: this endpoint does not take a password."


class UserSerializer(StrictFieldsMixin, UsernameFieldMixin, serializers.ModelSerializer):
    unknown_field_details = {"password": PASSWORD_NOT_HERE}
    tz = TimeZoneField(required=False, help_text="IANA time zone, e.g. Europe/Berlin.")

    class Meta:
        model = User
        fields = ["id", "username", "email", "real_name", "tz", "is_staff", "date_joined"]
        read_only_fields = ["id", "is_staff", "date_joined"]


class RegisterSerializer(StrictFieldsMixin, UsernameFieldMixin, serializers.ModelSerializer):
    password = serializers.CharField(
        write_only=True, style={"input_type": "password"}, max_length=128, trim_whitespace=False
    )
    email = serializers.EmailField(required=True)
    tz = TimeZoneField(default=DEFAULT_TIME_ZONE, help_text="IANA time zone, e.g. Europe/Berlin.")

    class Meta:
        model = User
        fields = ["username", "password", "email", "real_name", "tz"]

    def validate(self, attrs):
        candidate = User(**{k: v for k, v in attrs.items() if k != "password"})
        try:
            validate_password(attrs["password"], user=candidate)
        except DjangoValidationError as exc:
            raise serializers.ValidationError({"password": list(exc.messages)}) from None
        return attrs


class UserCreateSerializer(RegisterSerializer):
    """A new member, as registration takes it. Any other field (`is_staff`, `id`, ...) is
    refused: 400 naming it (code `unknown_field`)."""


class LoginSerializer(StrictFieldsMixin, serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(
        max_length=128, style={"input_type": "password"}, trim_whitespace=False, write_only=True
    )

    def validate(self, attrs):
        # Raises Throttled (429) when the address or the username is over its login limit.
        user = login_limits.login_authenticate(
            request=self.context.get("request"),
            username=attrs["username"],
            password=attrs["password"],
        )
        if user is None:
            # One message for both cases: never reveal whether the username exists.
            raise serializers.ValidationError(
                "Unable to log in with the provided credentials.", code="invalid_credentials"
            )
        attrs["user"] = user
        return attrs


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(help_text="Send as `Authorization: Token <token>`.")
    expiry = serializers.DateTimeField(allow_null=True)


class RegisterResponseSerializer(TokenSerializer):
    user = UserSerializer()


UserBulkDeleteSerializer = bulk_delete_serializer(
    "UserBulkDeleteSerializer",
    child=serializers.CharField(max_length=MEMBER_ID_LENGTH),
    help_text="Member ids to delete: all of them, or none if any does not exist.",
)


class _UserForbiddenError(serializers.Serializer):
    code = serializers.ChoiceField(choices=["permission_denied", "protected_account"])
    detail = serializers.CharField()
    attr = serializers.CharField(allow_null=True)


class UserForbiddenErrorResponseSerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=ClientErrorEnum.choices)
    errors = _UserForbiddenError(many=True)
