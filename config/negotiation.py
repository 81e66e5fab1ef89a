"""DRF content negotiation: API views answer JSON whatever the request asks for, and the
common case is decided before any parsing."""

from typing import Any

from django.http import Http404
from rest_framework.exceptions import NotAcceptable
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.renderers import BaseRenderer

JSON = "application/json"
# What JSON clients send (none, fetch's default, axios's default, exact JSON): for a view
# whose first renderer is JSON, DRF's own rules pick that renderer and "application/json".
_JSON_ACCEPTS = frozenset({None, "*/*", JSON, "application/json, text/plain, */*"})


class JsonFirstNegotiation(DefaultContentNegotiation):
    """``DefaultContentNegotiation``, except that an API view (its first renderer JSON)
    never refuses: pump.fun's server answers JSON whatever the ``Accept`` header says, so an
    ``Accept`` or ``?format=`` it cannot satisfy gets JSON, not a 406 (or DRF's 404 for an
    unknown format) ahead of authentication. Other views (the schema's JSON or YAML, the
    docs' HTML) keep DRF's rules, refusals included.

    Parsing and ranking the Accept header is a few percent of a profile read, so the answer
    is given without it when it is known: the view's first renderer is JSON, the Accept
    header is one of ``_JSON_ACCEPTS``, and no format is named.
    """

    # DRF passes the view's list of renderers; its stub widens that to any Iterable.
    def select_renderer(  # type: ignore[override]
        self, request: Any, renderers: list[BaseRenderer], format_suffix: str | None = None
    ) -> tuple[BaseRenderer, str]:
        json_first = bool(renderers) and renderers[0].media_type == JSON
        if (
            json_first
            and format_suffix is None
            and request.META.get("HTTP_ACCEPT") in _JSON_ACCEPTS
            # No query string, no ``?format=``: the query is parsed only when there is one.
            and (
                not request.META.get("QUERY_STRING")
                or self.settings.URL_FORMAT_OVERRIDE not in request.query_params
            )
        ):
            return renderers[0], JSON
        try:
            # DRF's answer when it has one: ``application/json; indent=4`` pretty-prints.
            return super().select_renderer(request, renderers, format_suffix)
        except (NotAcceptable, Http404):
            if json_first:
                return renderers[0], JSON
            raise
