from django.urls import re_path

from signin import views

# Paths have no trailing slash; one is accepted too, without a redirect.
urlpatterns = [
    re_path(r"^auth/login/?$", views.LoginApi.as_view(), name="auth-login"),
    re_path(r"^auth/refresh/?$", views.RefreshApi.as_view(), name="auth-refresh"),
    re_path(r"^auth/logout/?$", views.LogoutApi.as_view(), name="auth-logout"),
    re_path(r"^auth/sessions/?$", views.SessionsApi.as_view(), name="auth-sessions"),
    # Any id reaches the view, which answers the same 404 for a malformed one as for an
    # unknown one.
    re_path(
        r"^auth/sessions/(?P<session_id>[^/]+)/?$",
        views.SessionDetailApi.as_view(),
        name="auth-session-detail",
    ),
]
