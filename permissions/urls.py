from django.urls import re_path

from permissions import views

# Paths have no trailing slash; one is accepted too, without a redirect.
urlpatterns = [
    re_path(r"^auth/is-admin/?$", views.IsAdminApi.as_view(), name="auth-is-admin"),
    re_path(
        r"^auth/is-super-admin/?$", views.IsSuperAdminApi.as_view(), name="auth-is-super-admin"
    ),
    re_path(
        r"^auth/is-valid-jurisdiction/?$",
        views.IsValidJurisdictionApi.as_view(),
        name="auth-is-valid-jurisdiction",
    ),
]
