"""Params several built-in nodes share: seed and takes, rates, durations."""

from __future__ import annotations

from previz.api import Param, ParamKind

EDITORIAL_RATES = ("24000/1001", "24", "25", "30000/1001", "30")
MAX_SEED = 2**31 - 1


def seed_param() -> Param:
    """The seed of the first take; take n uses seed + n."""
    return Param("seed", ParamKind.INT, 0, "Seed", "Seed of the first take; take n uses seed + n.",
                 minimum=0, maximum=MAX_SEED, step=1)


def takes_param() -> Param:
    """How many variations to render, each cached on its own."""
    return Param("takes", ParamKind.INT, 1, "Takes",
                 "How many variations to render (seeds seed, seed+1, …); circle the best.",
                 minimum=1, maximum=16, step=1, affects_render=False)


def duration_param(name: str, label: str, default: float, tooltip: str) -> Param:
    """A duration in seconds."""
    return Param(name, ParamKind.FLOAT, default, label, tooltip, minimum=0.1, maximum=600.0,
                 step=0.1, unit="s")
