from django.contrib.contenttypes.models import ContentType
from django.db import models


class DemoRow(models.Model):
    """A row that `manage.py seed_demo` made, under the demo's own key.

    The demo finds its rows here, never by a name, phone or SKU that a user may have entered
    too: rows a user adds are never mistaken for demo rows, and demo rows are never duplicated.
    """

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    key = models.CharField(max_length=100)
    # Text, as member ids are; integer keys are stored as their decimal string.
    object_id = models.CharField(max_length=64)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["content_type", "key"], name="core_demorow_unique_key")
        ]

    def __str__(self) -> str:
        return f"{self.content_type.app_label}.{self.content_type.model} {self.key}"
