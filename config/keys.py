"""Start-up checks of the secrets production signs with (``SECRET_KEY``, ``JWT_SIGNING_KEY``)."""

from django.core.exceptions import ImproperlyConfigured

MINIMUM_KEY_BYTES = 32
MINIMUM_DISTINCT_CHARACTERS = 10


def key_problem(value: str, *, development_value: str | None = None) -> str | None:
    """Why ``value`` is not fit to sign with in production, or None.

    Length alone lets ``"a" * 64`` through; too few distinct characters says the value was
    typed, not generated (any random 32-byte value has far more than ten).
    """
    if development_value is not None and value == development_value:
        return "is the development default"
    if len(value.encode()) < MINIMUM_KEY_BYTES:
        return f"is shorter than {MINIMUM_KEY_BYTES} bytes"
    if len(set(value)) < MINIMUM_DISTINCT_CHARACTERS:
        return f"has fewer than {MINIMUM_DISTINCT_CHARACTERS} distinct characters"
    return None


def require_strong_key(name: str, value: str, *, development_value: str | None = None) -> None:
    """Refuse to start (one line naming the variable) unless ``value`` is a strong key."""
    problem = key_problem(value, development_value=development_value)
    if problem is not None:
        raise ImproperlyConfigured(
            f"Production needs {name} set to a random value of at least {MINIMUM_KEY_BYTES}"
            f" bytes ({name} {problem})."
        )
