"""DRF permissions shared by every app (DRF's own IsAdminUser and IsAuthenticated are used as
they are; only what DRF lacks lives here)."""

from rest_framework import permissions


class IsStaffOrReadOnly(permissions.BasePermission):
    """Everyone the view lets in may read; only staff write."""

    def has_permission(self, request, view):
        if request.method in permissions.SAFE_METHODS:
            return True
        return bool(request.user and request.user.is_staff)
