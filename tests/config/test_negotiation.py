"""config/negotiation.py: the shortcut gives DRF's own answer, and only then applies."""

import pytest
from django.http import Http404
from drf_spectacular.renderers import OpenApiJsonRenderer, OpenApiYamlRenderer
from rest_framework.exceptions import NotAcceptable
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.renderers import JSONRenderer, TemplateHTMLRenderer
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from config.negotiation import JsonFirstNegotiation

ACCEPTS = [
    None,
    "",
    "*/*",
    "application/json",
    "application/json, text/plain, */*",
    "text/html",
    "application/xml",
    "application/json; indent=4",
    "text/html, application/json;q=0.9",
]
RENDERER_LISTS = [
    [JSONRenderer()],
    [OpenApiYamlRenderer(), OpenApiJsonRenderer()],
    [TemplateHTMLRenderer()],
]


def _answer(negotiation, accept, renderers, query=""):
    headers = {} if accept is None else {"HTTP_ACCEPT": accept}
    request = Request(APIRequestFactory().get("/auth/my-profile" + query, **headers))
    try:
        renderer, media_type = negotiation.select_renderer(request, renderers)
    except NotAcceptable:
        return "406"
    except Http404:  # ?format= naming no renderer of the view
        return "404"
    return type(renderer).__name__, media_type


@pytest.mark.parametrize("accept", ACCEPTS)
@pytest.mark.parametrize("renderers", RENDERER_LISTS, ids=lambda r: type(r[0]).__name__)
@pytest.mark.parametrize("query", ["", "?page=2", "?format=json", "?page=2&format=xml"])
def test_same_answer_as_drf(accept, renderers, query):
    assert _answer(JsonFirstNegotiation(), accept, renderers, query) == _answer(
        DefaultContentNegotiation(), accept, renderers, query
    )


def test_is_the_api_default(settings):
    from rest_framework.settings import api_settings

    assert api_settings.DEFAULT_CONTENT_NEGOTIATION_CLASS is JsonFirstNegotiation
