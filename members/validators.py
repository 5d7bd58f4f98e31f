import pytz
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator

from members.ids import MEMBER_ID_RE

IANA_TIME_ZONES = frozenset(pytz.all_timezones)


def validate_time_zone(value: str) -> None:
    """An IANA zone name that pytz knows, e.g. `Europe/Berlin`."""
    if value not in IANA_TIME_ZONES:
        raise ValidationError(
            "%(value)s is not a known IANA time zone (e.g. Europe/Berlin, America/Los_Angeles).",
            code="invalid_time_zone",
            params={"value": value},
        )


validate_member_id = RegexValidator(
    MEMBER_ID_RE,
    message="A member id is 9 characters: an uppercase letter then 8 uppercase letters or digits.",
    code="invalid_member_id",
)
