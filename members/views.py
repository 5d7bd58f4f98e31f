from django.contrib.auth import user_logged_in
from drf_spectacular.utils import extend_schema
from knox.models import AuthToken
from rest_framework import generics, permissions, status
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from members import services
from members.serializers import (
    LoginSerializer,
    RegisterResponseSerializer,
    RegisterSerializer,
    TokenSerializer,
    UserSerializer,
)


def _issue_token(request, user) -> dict:
    instance, token = AuthToken.objects.create(user)
    user_logged_in.send(sender=user.__class__, request=request, user=user)
    return {"token": token, "expiry": instance.expiry}


class RegisterView(APIView):
    """Create an account and get an API token for it."""

    permission_classes = [permissions.AllowAny]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "register"

    @extend_schema(request=RegisterSerializer, responses={201: RegisterResponseSerializer})
    def post(self, request):
        serializer = RegisterSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = services.user_create(**serializer.validated_data, validate_password_strength=False)
        body = {"user": UserSerializer(user).data, **_issue_token(request, user)}
        return Response(RegisterResponseSerializer(body).data, status=status.HTTP_201_CREATED)


class LoginView(APIView):
    """Exchange username and password for an expiring API token."""

    permission_classes = [permissions.AllowAny]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "login"

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
