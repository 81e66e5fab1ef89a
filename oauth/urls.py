from django.urls import re_path

from oauth import views

# Paths have no trailing slash; one is accepted too, without a redirect.
urlpatterns = [
    re_path(
        r"^\.well-known/oauth-authorization-server/?$",
        views.MetadataApi.as_view(),
        name="oauth-metadata",
    ),
    re_path(r"^oauth/introspect/?$", views.IntrospectApi.as_view(), name="oauth-introspect"),
    re_path(r"^oauth/revoke/?$", views.RevokeApi.as_view(), name="oauth-revoke"),
    re_path(r"^oauth/revocations/?$", views.RevocationsApi.as_view(), name="oauth-revocations"),
]
