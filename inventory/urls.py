from django.urls import path
from rest_framework.routers import SimpleRouter

from inventory import invoice_views, views

router = SimpleRouter()
router.register("api/items", views.ItemViewSet, basename="item")
router.register("api/customers", views.CustomerViewSet, basename="customer")
router.register("api/invoices", invoice_views.InvoiceViewSet, basename="invoice")
router.register("api/credit-notes", invoice_views.CreditNoteViewSet, basename="creditnote")

urlpatterns = [
    path(
        "api/customer-purchase/<int:customer_id>",
        views.PurchaseView.as_view(),
        name="customer-purchase",
    ),
    path("api/low-stock-items/", views.LowStockView.as_view(), name="low-stock-items"),
    *router.urls,
]
