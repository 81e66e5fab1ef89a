"""Serializers bound once, for the hot paths.

DRF builds, and deep-copies, every field of a serializer each time one is instantiated:
that costs more than the rest of a profile read, and more than validating a sign-in's
body. The shapes of this API are fixed, so their fields can be bound once at import and
reused; the serializer class stays the one description of the shape (the OpenAPI document
is generated from it).
"""

from collections.abc import Callable, Mapping
from typing import Any

from rest_framework import serializers


def bound_representation(
    serializer_class: type[serializers.Serializer],
) -> Callable[[Any], dict[str, Any]]:
    """``serializer_class(instance).data`` as a function, for flat serializers.

    Same per-field rules as ``Serializer.to_representation``: each field reads its source
    attribute and represents it, and ``None`` stays ``None``.
    """
    bound = serializer_class().fields
    nested = [
        name for name, field in bound.items() if isinstance(field, serializers.BaseSerializer)
    ]
    if nested:
        raise TypeError(f"{serializer_class.__name__} nests {nested}: not a flat shape")
    for field in bound.values():
        if isinstance(field, serializers.DateTimeField) and not hasattr(field, "timezone"):
            # DRF asks for the current time zone on every value (a context-local look-up);
            # the API never activates one, so the default time zone is every request's.
            # (A tzinfo, or None without USE_TZ; djangorestframework-stubs say a str.)
            field.timezone = field.default_timezone()  # type: ignore[assignment]
    fields = [
        (name, field.source_attrs, field.to_representation)
        for name, field in bound.items()
        if not field.write_only
    ]

    def represent(instance: Any) -> dict[str, Any]:
        body = {}
        for name, attrs, to_representation in fields:
            value = instance
            for attr in attrs:
                value = getattr(value, attr)
            body[name] = None if value is None else to_representation(value)
        return body

    return represent


def bound_validation(
    serializer_class: type[serializers.Serializer],
) -> Callable[[Any], dict[str, Any]]:
    """``serializer_class(data=data)``'s validated data as a function, or its
    ``ValidationError`` exactly as ``is_valid(raise_exception=True)`` raises it.

    For serializers whose validation reads no instance or context (plain input
    serializers): the fields are bound once and ``run_validation`` keeps no state on the
    serializer, so one instance serves every request and thread.
    """
    if issubclass(serializer_class, serializers.ModelSerializer):
        # Their unique-field validators read the serializer's instance.
        raise TypeError(f"{serializer_class.__name__} is a ModelSerializer")
    bound = serializer_class()
    bound.fields  # noqa: B018 - bind them now, not on the first request

    def validate(data: Any) -> dict[str, Any]:
        if isinstance(data, Mapping):
            try:
                return bound.run_validation(data)
            except serializers.ValidationError:
                pass
        # Refused (or not a JSON object): is_valid shapes some errors on its own (a null
        # body becomes "No data provided"), so the serializer itself reports them.
        serializer = serializer_class(data=data)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    return validate
