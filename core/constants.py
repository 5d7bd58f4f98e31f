"""Limits shared by every app."""

# The largest primary key a 64-bit BigAutoField holds: an id above it is "no such row", never
# a database error.
MAX_DB_ID = 2**63 - 1
# The most ids one bulk request may name.
BULK_MAX_IDS = 1000
