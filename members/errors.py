"""Domain errors of members and sync (core's family; the exception handler renders them)."""

from core.exceptions import Conflict, PermissionDenied


class AccountProtected(PermissionDenied):
    """A staff or superuser account, changed by someone who may not (or by sync)."""

    default_code = "protected_account"
    default_detail = "Only a superuser may change or delete a staff or superuser account."


class PrivilegesProtected(PermissionDenied):
    """Someone who is not a superuser making an account staff or superuser (or unmaking it)."""

    default_code = "protected_privileges"
    default_detail = "Only a superuser decides who is staff or superuser."


class NotSharedWithPeer(PermissionDenied):
    """A peer changing a member that neither came from it nor was sent to it."""

    default_code = "not_shared_with_peer"
    default_detail = "This member did not come from your site and was not shared with it."


class SyncConflict(Conflict):
    """A peer's change cannot be applied here (e.g. the username belongs to another member)."""

    default_detail = "The change conflicts with data here."
