from django.urls import re_path

from accounts import views

# Paths have no trailing slash; one is accepted too, without a redirect.
urlpatterns = [
    re_path(r"^auth/my-profile/?$", views.MyProfileApi.as_view(), name="auth-my-profile"),
    re_path(r"^users/register/?$", views.UserRegisterApi.as_view(), name="users-register"),
    re_path(r"^users/?$", views.UsersApi.as_view(), name="users"),
    re_path(r"^users/me/export/?$", views.MyExportApi.as_view(), name="users-me-export"),
    re_path(r"^users/(?P<identifier>[^/]+)/?$", views.UserDetailApi.as_view(), name="users-detail"),
]
