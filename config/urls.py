from django.contrib import admin
from django.urls import include, path, re_path

from config import errors, views

urlpatterns = [
    # Before the admin's own URLs: the same sign-in page, rate limited.
    path("admin/login/", views.admin_login, name="admin-login-limited"),
    path("admin/", admin.site.urls),
    re_path(r"^health/?$", views.health, name="health"),
    path("", include("accounts.urls")),
    path("", include("permissions.urls")),
    # Anything else is the contract's JSON 404, with DEBUG on or off.
    re_path(r"^", views.not_found),
]

handler400 = errors.bad_request
handler403 = errors.permission_denied
handler404 = errors.page_not_found
handler500 = errors.server_error
