"""Camera moves in film language, for slates, prompts, notes and exports."""

from __future__ import annotations

from collections.abc import Sequence

from previz.core.values import MoveValue

_UNITS = {"pan": "°", "tilt": "°", "roll": "°", "orbit": "°", "zoom": " mm"}
_WORDS = {
    "pan": ("pan left", "pan right"),
    "tilt": ("tilt down", "tilt up"),
    "roll": ("roll left", "roll right"),
    "dolly": ("dolly out", "dolly in"),
    "truck": ("truck left", "truck right"),
    "pedestal": ("pedestal down", "pedestal up"),
    "crane": ("crane down", "crane up"),
    "zoom": ("zoom out", "zoom in"),
    "orbit": ("orbit left", "orbit right"),
    "dolly_zoom": ("dolly-zoom out", "dolly-zoom in"),
}
_PACE = ((0.34, "quick"), (0.67, "steady"), (1.01, "slow"))


def move_label(move: MoveValue) -> str:
    """``dolly in 1.5 m``, ``pan right 30°``, ``static``."""
    if move.move == "static" or move.amount == 0:
        return "static"
    words = _WORDS.get(move.move, (move.move, move.move))[move.amount > 0]
    unit = _UNITS.get(move.move, " m")
    return f"{words} {abs(move.amount):g}{unit}"


def moves_label(moves: Sequence[MoveValue]) -> str:
    """Every move of a chain, in order: ``pan right 30°, then dolly in 1 m``."""
    labels = [move_label(move) for move in moves if move_label(move) != "static"]
    return ", then ".join(labels) if labels else "static"


def describe_moves(moves: Sequence[MoveValue]) -> str:
    """A sentence for a model prompt: ``Camera: a slow dolly in 1 m over the whole shot.``"""
    phrases = []
    for move in moves:
        label = move_label(move)
        if label == "static":
            continue
        span = move.end - move.start
        pace = next(word for limit, word in _PACE if span < limit)
        phrases.append(f"a {pace} {label}")
    if not phrases:
        return "Camera: locked-off static shot."
    return "Camera: " + ", then ".join(phrases) + "."
