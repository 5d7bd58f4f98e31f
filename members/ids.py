"""Slack-style member ids: `W` + 8 characters from Crockford's base32 alphabet."""

import re
import secrets

# Crockford's base32: digits and uppercase letters without I, L, O and U, which are
# easily misread (1/I/L, 0/O) or form words. 32**8 ≈ 1.1e12 possible ids.
MEMBER_ID_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
MEMBER_ID_PREFIX = "W"
MEMBER_ID_LENGTH = 9
# Ids we generate match MEMBER_ID_ALPHABET; ids seeded explicitly (fixtures, peers) may
# use any uppercase letter or digit, as Slack's own ids do.
MEMBER_ID_RE = re.compile(r"^[A-Z][0-9A-Z]{8}$")


def member_id_generate() -> str:
    """A random id; uniqueness against stored and retired ids is checked by the caller."""
    # One system call for all 8 characters; 256 is a multiple of 32, so `byte % 32` is uniform.
    return MEMBER_ID_PREFIX + "".join(
        MEMBER_ID_ALPHABET[byte % 32] for byte in secrets.token_bytes(MEMBER_ID_LENGTH - 1)
    )
