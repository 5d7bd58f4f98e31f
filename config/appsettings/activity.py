"""Settings of the activity app, from the environment (document each in .env.example)."""

from decouple import config

# Record an activity period for every login (API token, registration, admin session), closed
# at its logout, expiry or revocation. Off: logins record nothing new; periods already open
# are still closed when their token or session ends.
ACTIVITY_RECORD_LOGINS = config("ACTIVITY_RECORD_LOGINS", default=True, cast=bool)
