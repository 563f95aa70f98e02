"""The draft is deterministic, and the prompt's time of day sets the light."""

from __future__ import annotations

import numpy as np
import pytest
from unit.draft.pictures import H, W, linear, person, prop, shoot

from previz.backends.draft.sky import PALETTES, Palette
from previz.core.subjects import Subject

SCENE = [person("Keeper", main=True, facing=25.0), prop("Crate", 1.5, 3.0),
         Subject("Van", "vehicle", 1.8, -3.0, 9.0, 40.0)]
PROMPTS = {
    "dawn": "Dawn over the harbour, first light on the water.",
    "day": "Noon on the pier.",
    "dusk": "EXT. LIGHTHOUSE CLIFF - DUSK. The keeper walks home.",
    "night": "The pier at night, one lamp burning.",
    "interior": "INT. KITCHEN. The keeper pours tea.",
}


@pytest.mark.parametrize("mode", ["preview", "layout", "depth"])
def test_the_same_request_gives_the_same_frames(mode: str) -> None:
    def take() -> list[np.ndarray]:
        return shoot(SCENE, size="medium_wide", mode=mode, prompt=PROMPTS["dusk"],
                     slate=("010_0020", PROMPTS["dusk"]), moves=[linear("orbit", 20.0)],
                     frames=4).frames

    first, second = take(), take()
    assert all(np.array_equal(a, b) for a, b in zip(first, second, strict=True))
    assert not np.array_equal(first[0], first[-1])  # it is a moving shot


def _sky_and_ground(prompt: str) -> tuple[np.ndarray, np.ndarray]:
    """The colour at the top of the frame, and of the ground between grid lines."""
    frame = shoot([person(main=True)], mode="preview", prompt=prompt).frames[0]
    sky = frame[2, 10].astype(float)
    ground_rows = frame[H // 2 + 5: H - 20, 5: W // 4].reshape(-1, 3)
    colours, counts = np.unique(ground_rows, axis=0, return_counts=True)
    return sky, colours[counts.argmax()].astype(float)


def test_the_time_of_day_in_the_prompt_sets_sky_and_ground() -> None:
    seen = {name: _sky_and_ground(prompt) for name, prompt in PROMPTS.items()}
    for name, (sky, ground) in seen.items():
        # The sky at the top is nearest the zenith-to-horizon gradient of its own time of day.
        nearest = min(PALETTES, key=lambda other: _to_gradient(sky, PALETTES[other]))
        assert nearest == name, (name, sky)
        assert np.array_equal(ground, PALETTES[name].ground), name
    brightness = {name: sky.mean() for name, (sky, _) in seen.items()}
    assert min(brightness, key=brightness.get) == "night"
    day_sky = seen["day"][0]
    assert day_sky[2] > day_sky[0] + 60  # a blue day sky


@pytest.mark.parametrize(("prompt", "light"), [
    ("INT. CAR - NIGHT. Rain on the windscreen.", "interior"),  # the slugline says inside
    ("EXT. HARBOUR BAR - NIGHT. Music spills out.", "night"),  # ... and here outside
    ("Nightfall on the pier.", "night"),
    ("The sun goes down: sundown over the bay.", "dusk"),
])
def test_sluglines_and_other_time_words_set_the_light(prompt: str, light: str) -> None:
    sky, ground = _sky_and_ground(prompt)
    assert min(PALETTES, key=lambda name: _to_gradient(sky, PALETTES[name])) == light
    assert np.array_equal(ground, PALETTES[light].ground)


def test_a_prompt_without_a_time_is_day() -> None:
    assert np.array_equal(_sky_and_ground("A keeper walks.")[0],
                          _sky_and_ground(PROMPTS["day"])[0])


def _to_gradient(colour: np.ndarray, palette: Palette) -> float:
    """Distance from ``colour`` to the segment of colours between zenith and horizon."""
    zenith = np.array(palette.zenith, float)
    horizon = np.array(palette.horizon, float)
    span = horizon - zenith
    t = np.clip((colour - zenith) @ span / (span @ span), 0.0, 1.0)
    return float(np.linalg.norm(colour - (zenith + t * span)))
