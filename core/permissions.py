"""DRF permissions shared by every app (DRF's own IsAdminUser and IsAuthenticated are used as
they are; only what DRF lacks lives here)."""

from rest_framework import permissions


class IsStaffOrReadOnly(permissions.BasePermission):
    """Everyone the view lets in may read; only staff write."""

    def has_permission(self, request, view):
        if request.method in permissions.SAFE_METHODS:
            return True
        return bool(request.user and request.user.is_staff)


class StaffWithPerms(permissions.BasePermission):
    """Staff who hold the model permissions the view names for its action, as the admin asks
    of them: `required_perms = {"list": ["app.view_model"], ...}` (key: the viewset's action,
    or for a plain APIView the lower-case HTTP method; "*" for any other). A staff account
    without them gets 403, not the whole API; superusers hold every permission."""

    message = "You do not have the permission this needs."

    def has_permission(self, request, view):
        user = request.user
        if not (user and user.is_authenticated and user.is_staff):
            return False
        key = getattr(view, "action", None) or request.method.lower()
        if key == "head":
            key = "get"
        required = view.required_perms.get(key, view.required_perms.get("*"))
        if required is None:  # an action the view did not list: refuse rather than guess
            return False
        return user.has_perms(required)
