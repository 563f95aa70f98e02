"""Time of day read from the prompt, and the sky and ground colours that go with it."""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

Colour = tuple[int, int, int]

# A screenplay slugline says where outright ("INT. KITCHEN - NIGHT", "EXT. BAR - DAY").
_INTERIOR_SLUG, _EXTERIOR_SLUG = r"\bint\.", r"\bext\."
_WORDS = (
    ("interior", r"\b(interior|inside|indoors?|room|hallway|corridor|kitchen|office|bar|"
                 r"studio|warehouse)\b"),
    ("night", r"\b(night|midnight|moonlit|moonlight|after dark|nighttime|nightfall)\b"),
    ("dawn", r"\b(dawn|sunrise|daybreak|first light)\b"),
    ("dusk", r"\b(dusk|sunset|sundown|twilight|golden hour|magic hour|evening)\b"),
    ("day", r"\b(day|daytime|daylight|noon|midday|morning|afternoon)\b"),
)


@dataclass(frozen=True)
class Palette:
    """Colours of a time of day: sky at the zenith and the horizon, ground, grid, haze."""

    name: str
    zenith: Colour
    horizon: Colour
    ground: Colour
    grid: Colour


PALETTES = {
    "day": Palette("day", (96, 150, 214), (198, 220, 236), (118, 122, 112), (160, 164, 152)),
    "dawn": Palette("dawn", (92, 112, 170), (236, 188, 160), (104, 100, 100), (146, 138, 134)),
    "dusk": Palette("dusk", (58, 64, 120), (232, 140, 92), (86, 78, 80), (130, 116, 110)),
    "night": Palette("night", (6, 9, 22), (22, 30, 52), (18, 20, 26), (34, 38, 50)),
    "interior": Palette("interior", (70, 64, 60), (120, 112, 102), (96, 86, 76),
                        (134, 122, 108)),
}


def time_of_day(prompt: str) -> str:
    """``dawn``, ``day``, ``dusk``, ``night`` or ``interior``, from the prompt's words (day
    when it says nothing)."""
    text = prompt.lower()
    if re.search(_INTERIOR_SLUG, text):
        return "interior"
    outside = re.search(_EXTERIOR_SLUG, text) is not None
    for name, pattern in _WORDS:
        if not (outside and name == "interior") and re.search(pattern, text):
            return name
    return "day"


def sky_rows(palette: Palette, height: int, horizon_row: float) -> np.ndarray:
    """One colour per image row (height, 3): zenith colour high above, horizon colour at it."""
    rows = np.arange(height, dtype=np.float32)
    span = max(height * 0.9, 1.0)
    t = np.clip((horizon_row - rows) / span, 0.0, 1.0)[:, None]
    zenith = np.array(palette.zenith, np.float32)
    horizon = np.array(palette.horizon, np.float32)
    return (horizon + (zenith - horizon) * np.sqrt(t)).astype(np.uint8)
