"""One JSON object per log line on stdout, for log drains (Heroku, Loki, CloudWatch...)."""

import functools
import json
import logging
import time

# Attributes every LogRecord has; anything else was passed with ``extra=`` and is logged.
_STANDARD = frozenset(vars(logging.makeLogRecord({}))) | {"message", "asctime", "taskName"}
# One encoder for every line: json.dumps with options makes a new one per call.
_encode = json.JSONEncoder(default=str, ensure_ascii=False).encode
# The text of the last second a line was written in, with that second: a busy process
# writes many lines a second. One tuple, so that a thread never pairs one second's number
# with another's text.
_last_second: tuple[int, str] = (-1, "")


def utc_time(created: float) -> str:
    """``datetime.fromtimestamp(created, UTC).isoformat(timespec="milliseconds")``, at a
    fraction of its cost: the microseconds rounded as datetime rounds them, then cut."""
    global _last_second
    second = int(created)
    microseconds = round((created - second) * 1_000_000)
    if microseconds == 1_000_000:
        second, microseconds = second + 1, 0
    cached_second, text = _last_second
    if second != cached_second:
        text = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(second))
        _last_second = (second, text)
    return f"{text}.{microseconds // 1000:03d}+00:00"


@functools.lru_cache(maxsize=256)
def _extra_names(names: tuple[str, ...]) -> tuple[str, ...]:
    """The names of a record's attributes that are logged: those passed with ``extra=``.
    Records from one call site have the same attributes in the same order, so this is
    worked out once per call site, not once per line."""
    return tuple(name for name in names if name not in _STANDARD and name[0] != "_")


class JsonFormatter(logging.Formatter):
    """``{"time", "level", "logger", "message", ...extra fields, "exc"?}`` on one line."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": utc_time(record.created),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        attributes = record.__dict__
        for name in _extra_names(tuple(attributes)):
            entry[name] = attributes[name]
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        return _encode(entry)
