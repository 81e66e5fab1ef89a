"""The OpenAPI document: the error component, auth schemes, common error responses, views.

Every API operation answers errors in one shape, ``Error``. Views declare their own success
responses and the errors particular to them; ``add_common_error_responses`` adds the ones
every operation of a kind can give (401/403 when authenticated, 400/413/415 with a body,
429 and 503 everywhere), so a new endpoint is documented consistently without repeating them.
"""

import threading
from typing import Any

from django.http import HttpResponse
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.renderers import OpenApiJsonRenderer, OpenApiYamlRenderer
from drf_spectacular.settings import spectacular_settings
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
)
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework import serializers
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

ERROR_REF = {"$ref": "#/components/schemas/Error"}


class MessageSerializer(serializers.Serializer):
    """``{"message": "..."}``: what logout and account deletion answer."""

    message = serializers.CharField()


@extend_schema_field(
    {
        "oneOf": [
            {"type": "string"},
            {"type": "array", "items": {"type": "string"}},
        ],
        "description": "A sentence, or for validation errors (400) a list of them.",
    }
)
class ErrorMessageField(serializers.Field):
    def to_representation(self, value: Any) -> Any:
        return value


class ErrorSerializer(serializers.Serializer):
    """The contract's error body, on every path and status."""

    statusCode = serializers.IntegerField(help_text="The HTTP status, repeated.")
    message = ErrorMessageField()
    error = serializers.CharField(help_text="The HTTP reason phrase of the status.")
    # The contract's name. DRF moves declared fields off the class, so Serializer.errors
    # is not shadowed; the stubs see a class attribute.
    errors = serializers.DictField(  # type: ignore[assignment]
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text="Validation errors only: each offending field and its messages.",
    )

    class Meta:
        ref_name = "Error"


def error_example(status: int, message: Any, errors: dict | None = None) -> dict:
    from http import HTTPStatus

    body = {"statusCode": status, "message": message, "error": HTTPStatus(status).phrase}
    if errors is not None:
        body["errors"] = errors
    return body


def error_response(description: str, *examples: OpenApiExample) -> OpenApiResponse:
    """A documented error of a view, in the shared ``Error`` shape."""
    return OpenApiResponse(
        response=ErrorSerializer, description=description, examples=list(examples)
    )


# The responses every operation of a kind can give: (status, description, example message).
# (status, description, the example's message; None: a validation error's list)
_CommonError = tuple[int, str, str | None]
_ALWAYS: list[_CommonError] = [
    (429, "Rate limited; `Retry-After` says when to try again.", "Too many requests"),
    (503, "A backing service (database or cache) is down.", "The database is unavailable"),
]
_AUTHENTICATED: list[_CommonError] = [
    (401, "Missing, invalid, expired or revoked token.", "Invalid or expired token"),
    (403, "Not allowed (banned account, cookie request from a disallowed Origin).", "Forbidden"),
]
_WITH_BODY: list[_CommonError] = [
    (400, "Malformed body: `message` lists the problems, `errors` maps them to fields.", None),
    (413, "Body too large.", "Request body is too large"),
    (415, "Body is not JSON.", 'Unsupported media type "text/plain" in request.'),
]
_WITH_PARAMETERS: list[_CommonError] = [
    (400, "Malformed parameter.", None),
]
_WITH_PATH_PARAMETERS: list[_CommonError] = [(404, "Not found.", "Not found")]


def _error_content(status: int, message: Any) -> dict:
    if message is None:
        example = error_example(
            status, ["field: This field is required."], {"field": ["This field is required."]}
        )
    else:
        example = error_example(status, message)
    return {"application/json": {"schema": ERROR_REF, "example": example}}


def _is_authenticated(operation: dict) -> bool:
    security = operation.get("security") or []
    return bool(security) and {} not in security


def strip_optional_trailing_slash(endpoints: list[tuple]) -> list[tuple]:
    """drf-spectacular pre-processing hook: ``^auth/login/?$`` is documented as ``/auth/login``.

    Paths have no trailing slash in the contract; the URL patterns merely accept one.
    """
    return [
        (path.rstrip("/") if path != "/" else path, path_regex, method, callback)
        for path, path_regex, method, callback in endpoints
    ]


def add_common_error_responses(result: dict, generator: Any, request: Any, public: bool) -> dict:
    """drf-spectacular post-processing hook: the errors every operation can answer."""
    for path_item in result.get("paths", {}).values():
        for operation in path_item.values():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            parameters = operation.get("parameters", [])
            common = list(_ALWAYS)
            if _is_authenticated(operation):
                common += _AUTHENTICATED
            if "requestBody" in operation:
                common += _WITH_BODY
            if parameters:
                common += _WITH_PARAMETERS
            if any(parameter.get("in") == "path" for parameter in parameters):
                common += _WITH_PATH_PARAMETERS
            responses = operation["responses"]
            for status, description, message in common:
                responses.setdefault(
                    str(status),
                    {"description": description, "content": _error_content(status, message)},
                )
            operation["responses"] = dict(sorted(responses.items()))
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas.setdefault("Error", ERROR_SCHEMA)
    return result


# What drf-spectacular makes of ErrorSerializer (a test keeps them equal); present even
# when no view names an error of its own.
ERROR_SCHEMA = {
    "type": "object",
    "description": "The contract's error body, on every path and status.",
    "properties": {
        "statusCode": {"type": "integer", "description": "The HTTP status, repeated."},
        "message": {
            "oneOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}],
            "description": "A sentence, or for validation errors (400) a list of them.",
        },
        "error": {"type": "string", "description": "The HTTP reason phrase of the status."},
        "errors": {
            "type": "object",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
            "description": "Validation errors only: each offending field and its messages.",
        },
    },
    "required": ["error", "message", "statusCode"],
}


class AccessTokenScheme(OpenApiAuthenticationExtension):
    """``Authorization: Bearer <access JWT>`` or the ``auth_token`` cookie; either will do."""

    target_class = "signin.authentication.AccessTokenAuthentication"
    name = ["bearerAuth", "cookieAuth"]

    def get_security_definition(self, auto_schema: Any) -> list[dict]:
        return [
            {
                "type": "http",
                "scheme": "bearer",
                "bearerFormat": "JWT",
                "description": "The access token (`token`) that `POST /auth/login` returns.",
            },
            {
                "type": "apiKey",
                "in": "cookie",
                "name": "auth_token",
                "description": "The HttpOnly cookie `POST /auth/login` sets. Unsafe methods "
                "need an allowed `Origin` (or `Referer`).",
            },
        ]

    def get_security_requirement(self, auto_schema: Any) -> list[dict]:
        return [{"bearerAuth": []}, {"cookieAuth": []}]


class SchemaDocument:
    """The OpenAPI document of this process, generated once and rendered once per format.

    Generating walks every view (tens of milliseconds) and drf-spectacular's generator is
    not safe in several threads at once (with gunicorn threads, concurrent requests got
    500s). The document changes only with the code, so the first request generates it under
    a lock, and every later one is answered from memory without taking it.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._schema: dict | None = None
        self._rendered: dict[str, bytes] = {}

    def rendered(self, renderer: BaseRenderer) -> bytes:
        body = self._rendered.get(renderer.format)
        if body is None:
            with self._lock:
                body = self._rendered.get(renderer.format)
                if body is None:
                    if self._schema is None:
                        generator = spectacular_settings.DEFAULT_GENERATOR_CLASS()
                        self._schema = generator.get_schema(request=None, public=True)
                    body = renderer.render(self._schema, renderer.media_type, {})
                    self._rendered[renderer.format] = body
        return body


class SchemaApi(SpectacularAPIView):
    """``GET /api/schema``: the OpenAPI 3 document, JSON unless YAML is asked for (``Accept``
    or ``?format=yaml``); no authentication, rate limited per client address like any
    anonymous request."""

    renderer_classes = [OpenApiJsonRenderer, OpenApiYamlRenderer]
    document = SchemaDocument()

    @extend_schema(exclude=True)
    def get(self, request: Request, *args: Any, **kwargs: Any) -> HttpResponse:
        renderer = request.accepted_renderer
        content_type = renderer.media_type
        if renderer.charset:
            content_type += f"; charset={renderer.charset}"
        title = spectacular_settings.TITLE or "schema"
        return HttpResponse(
            self.document.rendered(renderer),
            content_type=content_type,
            headers={"Content-Disposition": f'inline; filename="{title}.{renderer.format}"'},
        )


class DocsApi(SpectacularSwaggerView):
    """``GET /api/docs``: Swagger UI over the schema, its assets served locally; rate limited
    like the schema."""

    # DRF's Request where Django's View says HttpRequest, as DRF's own stub overrides it.
    @extend_schema(exclude=True)
    def options(self, request: Request, *args: Any, **kwargs: Any) -> Response:  # type: ignore[override]
        """DRF's description of the view, in JSON: the page's HTML renderer has no template
        for it (a 500 otherwise)."""
        response = super().options(request, *args, **kwargs)
        request.accepted_renderer = _JSON
        request.accepted_media_type = _JSON.media_type
        return response


_JSON = JSONRenderer()
