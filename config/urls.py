from django.contrib import admin
from django.urls import include, path, re_path

from config import errors, openapi, views
from metrics import views as metrics_views

# The API's hot paths first: URLs resolve by trying patterns in order.
urlpatterns = [
    path("", include("accounts.urls")),
    path("", include("signin.urls")),
    path("", include("permissions.urls")),
    path("", include("signing_keys.urls")),
    path("", include("oauth.urls")),
    re_path(r"^health/?$", views.HealthApi.as_view(), name="health"),
    re_path(r"^api/schema/?$", openapi.SchemaApi.as_view(), name="api-schema"),
    re_path(r"^api/docs/?$", openapi.DocsApi.as_view(url_name="api-schema"), name="api-docs"),
    # For operators, not part of the API (never public: metrics/access.py).
    re_path(r"^metrics/?$", metrics_views.metrics, name="metrics"),
    # Before the admin's own URLs: the same sign-in page, rate limited.
    path("admin/login/", views.admin_login, name="admin-login-limited"),
    path("admin/", admin.site.urls),
    # Anything else is the contract's JSON 404, with DEBUG on or off.
    re_path(r"^", views.not_found),
]

handler400 = errors.bad_request
handler403 = errors.permission_denied
handler404 = errors.page_not_found
handler500 = errors.server_error
