"""The API's JSON parser: DRF's, plus a nesting-depth limit checked before decoding.

Python's decoder recurses per level, so a body of ``[[[[...]]]]`` would otherwise end in a
RecursionError (a 500); here anything deeper than ``API_MAX_JSON_DEPTH`` is a 400.
Non-finite numbers (NaN, Infinity) and integers too long to convert are 400 too.
"""

import json
import sys
from typing import Any

from django.conf import settings
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser


def json_depth_exceeds(text: str, limit: int) -> bool:
    """True when arrays/objects nest deeper than ``limit`` (brackets in strings don't count)."""
    depth = 0
    in_string = escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            if depth > limit:
                return True
        elif char in "]}":
            depth -= 1
    return False


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def _integer(digits: str) -> int:
    """``int``, refusing past Python's limit on converted digits in words for the client
    (``int`` itself would also tell the programmer how to raise the limit)."""
    limit = sys.get_int_max_str_digits()
    if limit and len(digits.lstrip("-")) > limit:
        raise ValueError(f"a number has more than {limit} digits")
    return int(digits)


class LimitedJSONParser(JSONParser):
    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        parser_context = parser_context or {}
        encoding = parser_context.get("encoding", settings.DEFAULT_CHARSET)
        try:
            text = stream.read().decode(encoding)
        except (UnicodeDecodeError, LookupError):
            raise ParseError(f"JSON parse error - the body is not valid {encoding}") from None
        if json_depth_exceeds(text, settings.API_MAX_JSON_DEPTH):
            raise ParseError(
                f"JSON parse error - nested deeper than {settings.API_MAX_JSON_DEPTH} levels"
            )
        try:
            return json.loads(text, parse_constant=_refuse_constant, parse_int=_integer)
        except json.JSONDecodeError as exc:
            # Where the document breaks ("Expecting value: line 1 column 1 (char 0)").
            raise ParseError(f"JSON parse error - {exc}") from None
        except ValueError as exc:  # ours: a non-finite number, too many digits
            raise ParseError(f"JSON parse error - {exc}") from None
        except RecursionError:
            raise ParseError("JSON parse error - nested too deeply") from None
