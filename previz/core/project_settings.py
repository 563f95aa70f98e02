"""The project settings beyond rate and size: title, sensor, start timecode, and the backend
and model new shots get; kept in ``Settings.extra`` so older files read and write unchanged."""

from __future__ import annotations

import math
import re
from fractions import Fraction
from typing import Any

from previz.core.camera.lens import DEFAULT_SENSOR, SENSORS
from previz.core.errors import EditRefused
from previz.core.project import Settings

TITLE, SENSOR, START, BACKEND, MODEL = "title", "sensor", "start_timecode", "backend", "model"
DEFAULT_START = "01:00:00:00"
ASPECTS = {"16:9": Fraction(16, 9), "1.85:1": Fraction(37, 20), "2.39:1": Fraction(239, 100),
           "4:3": Fraction(4, 3), "1:1": Fraction(1), "9:16": Fraction(9, 16)}
_TIMECODE = re.compile(r"(\d\d):(\d\d):(\d\d)[:;](\d\d)")


def extra_value(settings: Settings, key: str) -> Any:
    """A setting kept in ``extra``, else its default."""
    defaults = {TITLE: "", SENSOR: DEFAULT_SENSOR, START: DEFAULT_START, BACKEND: "draft",
                MODEL: ""}
    value = settings.extra.get(key, defaults[key])
    return value if isinstance(value, str) else defaults[key]


def checked_timecode(text: str, rate: Fraction) -> str:
    """``HH:MM:SS:FF`` with a frame below the rate's whole frames; ``EditRefused`` if not."""
    match = _TIMECODE.fullmatch(text.strip())
    if match is None:
        raise EditRefused(f"the start timecode {text!r} is not HH:MM:SS:FF")
    hours, minutes, seconds, frames = (int(part) for part in match.groups())
    if minutes > 59 or seconds > 59 or hours > 23 or frames >= math.ceil(rate):
        raise EditRefused(f"the start timecode {text!r} is out of range at {float(rate):g} fps")
    return text.strip()


def size_for_aspect(width: int, aspect: Fraction) -> tuple[int, int]:
    """The frame of ``width`` (even) at ``aspect``, its height rounded to an even number."""
    height = round(width / aspect / 2) * 2
    return width - width % 2, max(height, 2)


def aspect_name(width: int, height: int) -> str:
    """The named aspect nearest ``width`` x ``height`` (within 1 %), else ``w:h``."""
    ratio = Fraction(width, max(height, 1))
    for name, aspect in ASPECTS.items():
        if abs(ratio - aspect) / aspect < Fraction(1, 100):
            return name
    return f"{width}:{height}"


def with_extras(settings: Settings, **values: str) -> Settings:
    """A copy of ``settings`` with these extra settings, checked (sensor, timecode)."""
    if SENSOR in values and values[SENSOR] not in SENSORS:
        raise EditRefused(f"no sensor {values[SENSOR]!r}; one of {', '.join(SENSORS)}")
    if START in values:
        values[START] = checked_timecode(values[START], settings.rate)
    default = Settings()  # a default left alone is not written: an untouched file stays so
    kept = {key: value for key, value in values.items()
            if key in settings.extra or value != extra_value(default, key)}
    return Settings(settings.rate, settings.width, settings.height, {**settings.extra, **kept})


def new_shot_params(settings: Settings) -> dict[str, Any]:
    """What a Shot added in the app starts with from the project: sensor, backend, model."""
    return {"sensor": extra_value(settings, SENSOR), "backend": extra_value(settings, BACKEND),
            "model": extra_value(settings, MODEL)}
