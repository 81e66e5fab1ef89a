"""DRF content negotiation, with the common case decided before any parsing."""

from typing import Any

from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.renderers import BaseRenderer

# What JSON clients send (none, fetch's default, axios's default, exact JSON): for a view
# whose first renderer is JSON, DRF's own rules pick that renderer and "application/json".
_JSON_ACCEPTS = frozenset({None, "*/*", "application/json", "application/json, text/plain, */*"})


class JsonFirstNegotiation(DefaultContentNegotiation):
    """``DefaultContentNegotiation`` with a shortcut that gives the same answer.

    Parsing and ranking the Accept header is a few percent of a profile read; the shortcut
    applies only when the answer is known: the view's first renderer is JSON, the Accept
    header is one of ``_JSON_ACCEPTS``, and no format is named. Anything else (406s,
    ``?format=``, the schema and docs views) goes through DRF's rules unchanged.
    """

    def select_renderer(
        self, request: Any, renderers: list[BaseRenderer], format_suffix: str | None = None
    ) -> tuple[BaseRenderer, str]:
        if (
            format_suffix is None
            and renderers
            and renderers[0].media_type == "application/json"
            and request.META.get("HTTP_ACCEPT") in _JSON_ACCEPTS
            # No query string, no ``?format=``: the query is parsed only when there is one.
            and (
                not request.META.get("QUERY_STRING")
                or self.settings.URL_FORMAT_OVERRIDE not in request.query_params
            )
        ):
            return renderers[0], renderers[0].media_type
        return super().select_renderer(request, renderers, format_suffix)
