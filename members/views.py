from django.contrib.auth import user_logged_in, user_logged_out
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from drf_standardized_errors.openapi_validation_errors import extend_validation_errors
from knox.models import AuthToken
from rest_framework import generics, mixins, permissions, status
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework.viewsets import GenericViewSet

from core.parsers import JSONParser
from core.serializers import BulkDeleteResultSerializer, StrictSerializer
from members import selectors, services
from members.models import User
from members.serializers import (
    LoginSerializer,
    RegisterResponseSerializer,
    RegisterSerializer,
    TokenSerializer,
    UserBulkDeleteSerializer,
    UserCreateSerializer,
    UserForbiddenErrorResponseSerializer,
    UserSerializer,
)


def _issue_token(request, user) -> dict:
    instance, token = AuthToken.objects.create(user)
    # `token` lets receivers tell which login this is (activity periods are per token).
    user_logged_in.send(sender=user.__class__, request=request, user=user, token=instance)
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
        StrictSerializer(data=request.data).is_valid(raise_exception=True)  # takes no body
        if isinstance(request.auth, AuthToken):
            token = request.auth
            # As django.contrib.auth.logout() does (before the session goes), so receivers see
            # API logouts too; `token` says which login ends.
            user_logged_out.send(
                sender=request.user.__class__, request=request, user=request.user, token=token
            )
            token.delete()
        return Response(status=status.HTTP_204_NO_CONTENT)


class MeView(generics.RetrieveUpdateAPIView):
    """The caller's own profile."""

    serializer_class = UserSerializer
    http_method_names = ["get", "patch", "head", "options"]

    def get_object(self):
        return self.request.user

    def perform_update(self, serializer):
        services.user_update(
            user=serializer.instance, data=dict(serializer.validated_data), actor=self.request.user
        )


class IsSelf(permissions.BasePermission):
    """The member's own account (other accounts are for staff, see UserViewSet)."""

    def has_object_permission(self, request, view, obj):
        return obj.pk == request.user.pk


class DjangoModelPermissionsBulkDelete(permissions.DjangoModelPermissions):
    """POST to bulk-delete deletes: it needs `delete_user`, as DELETE does."""

    perms_map = {
        **permissions.DjangoModelPermissions.perms_map,
        "POST": ["%(app_label)s.delete_%(model_name)s"],
    }


_FORBIDDEN = OpenApiResponse(
    UserForbiddenErrorResponseSerializer,
    "Staff without the model permission, or a staff or superuser account changed by "
    "someone who is not a superuser.",
)


@extend_validation_errors(["not_found", "invalid"], field_name="ids", actions=["bulk_delete"])
@extend_schema_view(
    create=extend_schema(
        request=UserCreateSerializer, responses={201: UserSerializer, 403: _FORBIDDEN}
    ),
    update=extend_schema(responses={200: UserSerializer, 403: _FORBIDDEN}),
    partial_update=extend_schema(responses={200: UserSerializer, 403: _FORBIDDEN}),
    destroy=extend_schema(responses={204: None, 403: _FORBIDDEN}),
)
class UserViewSet(
    mixins.CreateModelMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    GenericViewSet,
):
    """Members. Staff see everyone; a member sees and manages only themself.

    Changing or deleting somebody else takes staff with Django's `members.change_user` /
    `members.delete_user` permission (as in the admin), and only a superuser changes or
    deletes a staff or superuser account. Members register at /api/v1/auth/register/; staff
    with `members.add_user` create them with POST here (the same fields and rules; never a
    staff account). Deleting a member retires the id so it is never issued again.
    """

    serializer_class = UserSerializer
    permission_classes = [
        permissions.IsAuthenticated,
        IsSelf | (permissions.IsAdminUser & permissions.DjangoModelPermissions),
    ]
    ordering_fields = ["id", "username", "date_joined"]
    ordering = ["id"]
    search_fields = ["username", "real_name", "email"]

    def get_permissions(self):
        if self.action == "create":  # IsSelf would let any member through: there is no object
            return [
                permissions.IsAuthenticated(),
                permissions.IsAdminUser(),
                permissions.DjangoModelPermissions(),  # POST: members.add_user
            ]
        return super().get_permissions()

    def get_serializer_class(self):
        return UserCreateSerializer if self.action == "create" else UserSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return User.objects.none()
        return selectors.user_list(viewer=self.request.user)

    def create(self, request, *args, **kwargs):
        """Staff with `members.add_user`: create a member (synced to peers like any other)."""
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        # The serializer has run the password validators, with the user's other fields.
        user = services.user_create(**serializer.validated_data, validate_password_strength=False)
        return Response(UserSerializer(user).data, status=status.HTTP_201_CREATED)

    def perform_update(self, serializer):
        services.user_update(
            user=serializer.instance, data=dict(serializer.validated_data), actor=self.request.user
        )

    def perform_destroy(self, instance):
        services.user_delete(user=instance, actor=self.request.user)

    @extend_schema(
        request=UserBulkDeleteSerializer,
        responses={200: BulkDeleteResultSerializer, 403: _FORBIDDEN},
    )
    @action(
        detail=False,
        methods=["post"],
        url_path="bulk-delete",
        parser_classes=[JSONParser],  # a list of ids; form encodings hit Django's field cap
        permission_classes=[permissions.IsAdminUser, DjangoModelPermissionsBulkDelete],
        pagination_class=None,
    )
    def bulk_delete(self, request):
        """Staff with `members.delete_user`: delete several members at once, all or none;
        their ids are retired."""
        serializer = UserBulkDeleteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        deleted = services.users_bulk_delete(
            actor=request.user, ids=set(serializer.validated_data["ids"])
        )
        return Response(BulkDeleteResultSerializer({"deleted": deleted}).data)
