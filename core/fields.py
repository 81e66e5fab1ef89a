"""Strict JSON input fields shared by the apps' serializers: a value of the wrong JSON type
is refused, never coerced, and text refuses control characters (``core.text``)."""

from typing import Any

from rest_framework import serializers

from core.text import has_non_printable

REQUIRED = "This field is required."


class StrictIntegerField(serializers.IntegerField):
    """An integer in the JSON, not a string or a float or a boolean that looks like one."""

    def to_internal_value(self, data: Any) -> int:
        if isinstance(data, bool) or not isinstance(data, int):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictCharField(serializers.CharField):
    """A JSON string; numbers and other types are refused rather than stringified.

    Control characters (NUL included) are refused; ``multiline=True`` allows line breaks
    and tabs (a SIWS message).
    """

    default_error_messages = {"non_printable": "Must not contain control characters."}

    def __init__(self, *, multiline: bool = False, **kwargs: Any) -> None:
        self.multiline = multiline
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
        if has_non_printable(data, multiline=self.multiline):
            self.fail("non_printable")
        return super().to_internal_value(data)
