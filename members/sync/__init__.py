"""User sync to peer sites: an outbox written with the user, signed webhooks out, verified in.

Flow: a members service changes a user → `event_record()` writes a `SyncEvent` and one
`SyncDelivery` per configured peer in the same transaction → after commit a Celery task
POSTs it, signed the Standard Webhooks way → failures are rescheduled on the delivery row
(so nothing is lost when the broker or the peer is down) and swept by a periodic task.
"""
