"""config/negotiation.py: API views answer JSON whatever is asked; DRF's answer otherwise,
and the shortcut only where it gives that answer."""

import pytest
from django.http import Http404
from drf_spectacular.renderers import OpenApiJsonRenderer, OpenApiYamlRenderer
from rest_framework.exceptions import NotAcceptable
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.renderers import JSONRenderer, TemplateHTMLRenderer
from rest_framework.request import Request
from rest_framework.test import APIClient, APIRequestFactory

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
    "text/html;q=1",
    "image/png",
    "application/json;q=0",
    "garbage",
    ";;;,,q=x",
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
def test_drfs_answer_but_an_api_view_never_refuses(accept, renderers, query):
    ours = _answer(JsonFirstNegotiation(), accept, renderers, query)
    drfs = _answer(DefaultContentNegotiation(), accept, renderers, query)
    if drfs in ("406", "404") and isinstance(renderers[0], JSONRenderer):
        assert ours == ("JSONRenderer", "application/json")
    else:
        assert ours == drfs


# (path, headers) of API requests a browser, a crawler or a confused client may send.
ODD_ACCEPTS = [
    ("", {"HTTP_ACCEPT": "text/html"}),
    ("", {"HTTP_ACCEPT": "text/html;q=1"}),
    ("", {"HTTP_ACCEPT": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}),
    ("", {"HTTP_ACCEPT": "image/png"}),
    ("", {"HTTP_ACCEPT": "application/xml"}),
    ("", {"HTTP_ACCEPT": "application/json;q=0"}),
    ("", {"HTTP_ACCEPT": "garbage"}),
    ("", {"HTTP_ACCEPT": ""}),
    ("?format=xml", {}),
    ("?format=yaml", {"HTTP_ACCEPT": "text/html"}),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("query", "headers"), ODD_ACCEPTS, ids=lambda v: str(v) or "-")
def test_api_paths_answer_json_whatever_the_accept_header(auth_client, query, headers):
    """Never 406 (which came before authentication): an anonymous caller gets the 401."""
    anonymous = APIClient().get("/auth/my-profile" + query, **headers)
    assert anonymous.status_code == 401
    assert anonymous["Content-Type"] == "application/json"
    assert anonymous.json() == {
        "statusCode": 401,
        "message": "Authentication credentials were not provided.",
        "error": "Unauthorized",
    }
    response = auth_client.get("/auth/my-profile" + query, **headers)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json()["address"] == auth_client.login_body["user"]["address"]


def test_is_the_api_default(settings):
    from rest_framework.settings import api_settings

    # api_settings imports the class; djangorestframework-stubs type it as the dotted path.
    assert api_settings.DEFAULT_CONTENT_NEGOTIATION_CLASS is JsonFirstNegotiation  # type: ignore[comparison-overlap]


@pytest.mark.django_db
def test_schema_and_docs_keep_drfs_negotiation_and_refuse_in_json():
    """They are not pump.fun API paths: the schema is JSON or YAML as asked, the docs HTML;
    what neither can give is a 406, in the contract's JSON like every error."""
    client = APIClient()
    assert client.get("/api/schema", HTTP_ACCEPT="application/vnd.oai.openapi").content.startswith(
        b"openapi: 3"
    )
    for path, accept in (("/api/schema", "text/html"), ("/api/docs", "application/json")):
        refused = client.get(path, HTTP_ACCEPT=accept)
        assert refused.status_code == 406
        assert refused["Content-Type"] == "application/json"
        assert refused.json()["error"] == "Not Acceptable"
