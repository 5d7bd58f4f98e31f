from django.contrib.auth import user_logged_in
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from drf_spectacular.utils import extend_schema
from drf_standardized_errors.openapi_validation_errors import extend_validation_errors
from knox.models import AuthToken
from rest_framework import exceptions, generics, mixins, permissions, status
from rest_framework.decorators import action
from rest_framework.parsers import JSONParser
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework.viewsets import GenericViewSet

from members import selectors, services
from members.models import User
from members.serializers import (
    LoginSerializer,
    RegisterResponseSerializer,
    RegisterSerializer,
    TokenSerializer,
    UserBulkDeleteResultSerializer,
    UserBulkDeleteSerializer,
    UserSerializer,
)


def _issue_token(request, user) -> dict:
    instance, token = AuthToken.objects.create(user)
    user_logged_in.send(sender=user.__class__, request=request, user=user)
    return {"token": token, "expiry": instance.expiry}


class RegisterView(APIView):
    """Create an account and get an API token for it."""

    permission_classes = [permissions.AllowAny]
    throttle_scope = "register"  # per client address (the default throttle classes)

    @extend_schema(request=RegisterSerializer, responses={201: RegisterResponseSerializer})
    def post(self, request):
        serializer = RegisterSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = services.user_create(**serializer.validated_data, validate_password_strength=False)
        body = {"user": UserSerializer(user).data, **_issue_token(request, user)}
        return Response(RegisterResponseSerializer(body).data, status=status.HTTP_201_CREATED)


@extend_validation_errors(["invalid_credentials"], field_name="non_field_errors")
class LoginView(APIView):
    """Exchange username and password for an expiring API token.

    Limited per client address and per username (members.login_limits, shared with the admin
    login): over either limit the answer is 429 with Retry-After, even for the right password.
    """

    permission_classes = [permissions.AllowAny]

    @extend_schema(request=LoginSerializer, responses={200: TokenSerializer})
    def post(self, request):
        serializer = LoginSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        body = _issue_token(request, serializer.validated_data["user"])
        return Response(TokenSerializer(body).data)


class LogoutView(APIView):
    """Revoke the token this request was made with."""

    @extend_schema(request=None, responses={204: None})
    def post(self, request):
        if isinstance(request.auth, AuthToken):
            request.auth.delete()
        return Response(status=status.HTTP_204_NO_CONTENT)


class MeView(generics.RetrieveUpdateAPIView):
    """The caller's own profile."""

    serializer_class = UserSerializer
    http_method_names = ["get", "patch", "head", "options"]

    def get_object(self):
        return self.request.user

    def perform_update(self, serializer):
        services.user_update(user=serializer.instance, data=serializer.validated_data)


def _user_update(user: User, data: dict) -> None:
    try:
        services.user_update(user=user, data=data)
    except DjangoValidationError as exc:
        detail = exc.message_dict if hasattr(exc, "error_dict") else exc.messages
        raise exceptions.ValidationError(detail) from None


class IsStaff(permissions.BasePermission):
    def has_permission(self, request, view):
        return bool(request.user and request.user.is_staff)


@extend_validation_errors(["not_found", "invalid"], field_name="ids", actions=["bulk_delete"])
class UserViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    GenericViewSet,
):
    """Members. Staff see and manage everyone; a member sees and manages only themself.

    Accounts are created through /api/v1/auth/register/ (or the admin). Deleting a member
    retires the id so it is never issued again.
    """

    serializer_class = UserSerializer
    ordering_fields = ["id", "username", "date_joined"]
    ordering = ["id"]
    search_fields = ["username", "real_name", "email"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return User.objects.none()
        return selectors.user_list(viewer=self.request.user)

    def perform_update(self, serializer):
        _user_update(serializer.instance, dict(serializer.validated_data))

    def perform_destroy(self, instance):
        services.user_delete(user=instance)

    @extend_schema(
        request=UserBulkDeleteSerializer, responses={200: UserBulkDeleteResultSerializer}
    )
    @action(
        detail=False,
        methods=["post"],
        url_path="bulk-delete",
        parser_classes=[JSONParser],  # a list of ids; form encodings hit Django's field cap
        permission_classes=[permissions.IsAuthenticated, IsStaff],
        pagination_class=None,
    )
    def bulk_delete(self, request):
        """Staff: delete several members at once, all or none; their ids are retired."""
        serializer = UserBulkDeleteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        ids = set(serializer.validated_data["ids"])
        # One transaction and row locks: either every listed member goes or none does.
        with transaction.atomic():
            users = list(User.objects.filter(pk__in=ids).select_for_update().order_by("pk"))
            missing = sorted(ids - {user.pk for user in users})
            if missing:
                raise exceptions.ValidationError(
                    {"ids": [f"Not found: {', '.join(missing)}. Nothing was deleted."]},
                    code="not_found",
                )
            for user in users:
                services.user_delete(user=user)
        return Response(UserBulkDeleteResultSerializer({"deleted": len(users)}).data)
