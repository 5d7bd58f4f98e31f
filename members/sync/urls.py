from django.urls import path

from members.sync.views import UserSyncWebhookView

urlpatterns = [
    path("api/v1/sync/users/", UserSyncWebhookView.as_view(), name="sync-users-webhook"),
]
