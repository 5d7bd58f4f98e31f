from core.routers import OptionalSlashRouter
from randomdata import views

router = OptionalSlashRouter()
router.register("api/v1/random/users", views.RandomUserViewSet, basename="random-user")
router.register("api/v1/random/addresses", views.AddressViewSet, basename="random-address")
router.register(
    "api/v1/random/credit-cards", views.CreditCardViewSet, basename="random-credit-card"
)
router.register("api/v1/random/runs", views.IngestionRunViewSet, basename="random-run")

urlpatterns = router.urls
