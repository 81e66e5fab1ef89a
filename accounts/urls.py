from django.urls import re_path

from accounts import views

# Paths have no trailing slash; one is accepted too, without a redirect.
urlpatterns = [
    re_path(r"^auth/my-profile/?$", views.MyProfileApi.as_view(), name="auth-my-profile"),
    re_path(r"^users/register/?$", views.UserRegisterApi.as_view(), name="users-register"),
    re_path(r"^users/?$", views.UsersApi.as_view(), name="users"),
    re_path(r"^users/me/export/?$", views.MyExportApi.as_view(), name="users-me-export"),
    re_path(r"^users/(?P<identifier>[^/]+)/?$", views.UserDetailApi.as_view(), name="users-detail"),
    re_path(r"^auth/wallets/?$", views.WalletsApi.as_view(), name="auth-wallets"),
    re_path(
        r"^auth/wallets/(?P<address>[^/]+)/primary/?$",
        views.WalletPrimaryApi.as_view(),
        name="auth-wallets-primary",
    ),
    re_path(
        r"^auth/wallets/(?P<address>[^/]+)/?$",
        views.WalletDetailApi.as_view(),
        name="auth-wallets-detail",
    ),
]
