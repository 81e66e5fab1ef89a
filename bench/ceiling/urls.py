from django.http import HttpRequest, JsonResponse
from django.urls import re_path


def ceiling(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"isAdmin": False})


urlpatterns = [re_path(r"^", ceiling)]
