"""Who may change which member, and usernames unique ignoring case.

- `User.origin_peer` / `User.deactivated_by_peer` and `SyncShare` (members sent to a peer).
  Existing rows are backfilled from the sync history: a member first seen in a peer's webhook
  (before it joined here) came from that peer; a member with outbox deliveries to a peer was
  shared with it. Deactivations are not backfilled (fails closed: no peer reactivates them).
- `UniqueConstraint(Lower("username"))`: rename existing usernames that differ only in case
  before migrating (the constraint cannot be created while they exist).
- Control characters are refused in usernames, real names and webhook ids (validators only).
"""

import django.db.models.deletion
import django.db.models.functions.text
from django.conf import settings
from django.db import migrations, models
from django.db.models import OuterRef, Subquery, Value
from django.db.models.functions import Coalesce

import core.validators
import members.models

DELETED = "user.deleted"


def backfill(apps, schema_editor):
    User = apps.get_model("members", "User")
    SyncInbound = apps.get_model("members", "SyncInbound")
    SyncDelivery = apps.get_model("members", "SyncDelivery")
    SyncShare = apps.get_model("members", "SyncShare")
    first_peer = (
        SyncInbound.objects.filter(user_id=OuterRef("pk"), received_at__lte=OuterRef("date_joined"))
        .exclude(type=DELETED)
        .order_by("received_at")
        .values("peer")[:1]
    )
    User.objects.update(origin_peer=Coalesce(Subquery(first_peer), Value("")))
    pairs = (
        SyncDelivery.objects.exclude(event__type=DELETED)
        .filter(event__user_id__in=User.objects.values("pk"))
        .values_list("event__user_id", "peer")
        .distinct()
    )
    batch = []
    for user_id, peer in pairs.iterator():
        batch.append(SyncShare(user_id=user_id, peer=peer))
        if len(batch) == 1000:
            SyncShare.objects.bulk_create(batch, ignore_conflicts=True)
            batch = []
    SyncShare.objects.bulk_create(batch, ignore_conflicts=True)


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("members", "0003_sync_sweep_schedule"),
    ]

    operations = [
        migrations.CreateModel(
            name="SyncShare",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("peer", models.CharField(max_length=100)),
                ("shared_at", models.DateTimeField(auto_now_add=True)),
            ],
            options={
                "verbose_name": "sync share",
            },
        ),
        migrations.AddField(
            model_name="user",
            name="deactivated_by_peer",
            field=models.CharField(
                blank=True,
                db_default="",
                default="",
                help_text="Peer whose user.deleted turned this member off; only that peer may turn it on again. Blank: active, or turned off here.",
                max_length=100,
            ),
        ),
        migrations.AddField(
            model_name="user",
            name="origin_peer",
            field=models.CharField(
                blank=True,
                db_default="",
                default="",
                help_text="Peer site this member came from by sync; blank: created here.",
                max_length=100,
            ),
        ),
        migrations.AlterField(
            model_name="syncinbound",
            name="webhook_id",
            field=models.CharField(
                max_length=100,
                primary_key=True,
                serialize=False,
                validators=[core.validators.SingleLineTextValidator()],
            ),
        ),
        migrations.AlterField(
            model_name="user",
            name="real_name",
            field=models.CharField(
                blank=True,
                help_text="Full name as shown.",
                max_length=100,
                validators=[core.validators.SingleLineTextValidator()],
            ),
        ),
        migrations.AlterField(
            model_name="user",
            name="username",
            field=models.CharField(
                error_messages={"unique": "A user with that username already exists."},
                help_text="Required. 150 characters or fewer. Letters, digits and @/./+/-/_ only. Unique ignoring case.",
                max_length=150,
                unique=True,
                validators=[
                    core.validators.SingleLineTextValidator(),
                    members.models.UsernameCharactersValidator(),
                ],
                verbose_name="username",
            ),
        ),
        migrations.AddConstraint(
            model_name="user",
            constraint=models.UniqueConstraint(
                django.db.models.functions.text.Lower("username"),
                name="members_user_username_ci_unique",
                violation_error_code="unique",
                violation_error_message="A user with that username already exists.",
            ),
        ),
        migrations.AddField(
            model_name="syncshare",
            name="user",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="sync_shares",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddConstraint(
            model_name="syncshare",
            constraint=models.UniqueConstraint(
                fields=("user", "peer"), name="sync_share_user_peer"
            ),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
