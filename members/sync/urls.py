from core.routers import optional_slash_path
from members.sync.views import UserSyncWebhookView

urlpatterns = [
    optional_slash_path(
        "api/v1/sync/users/", UserSyncWebhookView.as_view(), name="sync-users-webhook"
    ),
]
