"""Output serializers bound once, for the hot paths.

DRF builds, and deep-copies, every field of a serializer each time one is instantiated,
which costs more than the rest of a profile read. The output shapes of this API are flat
and fixed, so their fields can be bound once at import and reused; the serializer class
stays the one description of the shape (the OpenAPI document is generated from it).
"""

from collections.abc import Callable
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
            field.timezone = field.default_timezone()
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
