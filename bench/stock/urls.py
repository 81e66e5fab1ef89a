from django.urls import include, path
from stock import views

urlpatterns = [
    path("auth/", include("djoser.urls")),  # GET /auth/users/me/
    path("auth/wallet-login", views.WalletLogin.as_view()),
]
