from rest_framework import serializers

from members.validators import IANA_TIME_ZONES


class TimeZoneField(serializers.ChoiceField):
    """An IANA time zone name; the schema lists every accepted zone."""

    default_error_messages = {
        "invalid_choice": '"{input}" is not a known IANA time zone (e.g. Europe/Berlin).'
    }

    def __init__(self, **kwargs):
        super().__init__(choices=sorted(IANA_TIME_ZONES), **kwargs)
