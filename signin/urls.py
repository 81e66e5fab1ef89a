from django.urls import re_path

from signin import views

# Paths have no trailing slash; one is accepted too, without a redirect.
urlpatterns = [
    re_path(r"^auth/login/?$", views.LoginApi.as_view(), name="auth-login"),
    re_path(r"^auth/refresh/?$", views.RefreshApi.as_view(), name="auth-refresh"),
    re_path(r"^auth/logout/?$", views.LogoutApi.as_view(), name="auth-logout"),
]
