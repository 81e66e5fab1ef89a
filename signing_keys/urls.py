from django.urls import re_path

from signing_keys import views

urlpatterns = [
    re_path(r"^\.well-known/jwks\.json/?$", views.JwksApi.as_view(), name="jwks"),
]
