"""Light for the draft: the sun or moon of the time of day, the sky's fill, and practicals.

A face is lit by the fill (ambient), the sun or moon (Lambert, toward ``direction``) and each
practical that is on (dawn, dusk, night, interiors): a lamp of height y over a point d away
gives ``intensity · y² · cos / d²``, so on the ground beneath it the pool falls off as
y³ / (r² + y²)^1.5 with the distance r from its foot. The ground's pools are drawn as rings
of that falloff, projected exactly like the grid. Lamps (lamp posts' heads, a location's
lights) glow at full colour. With no scene, ``Lighting.plain`` is the draft's old fixed light.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import cv2
import numpy as np

from previz.backends.draft.geometry import NEAR, SHIFT, View, clip_near, cv_points
from previz.backends.draft.pieces import Colour, colour_of
from previz.core.subjects import Subject

LIGHT = np.array([-0.35, 0.75, -0.55]) / np.linalg.norm([-0.35, 0.75, -0.55])
GROUND_ALBEDO = np.array([118, 122, 112], float) / 255.0
POOL_RINGS = (2.6, 1.8, 1.25, 0.85, 0.5, 0.22)  # of the lamp's height, outermost first
RING_POINTS = 40
_ANGLES = np.linspace(0, 2 * math.pi, RING_POINTS, endpoint=False)
_RING = np.stack([np.cos(_ANGLES), np.zeros_like(_ANGLES), np.sin(_ANGLES)], axis=1)
LIT_AT = ("dawn", "dusk", "night", "interior")
LAMP_HEAD = (0.42, -0.32)  # a lamp post's lamp: out along its arm, below its top (metres)


@dataclass(frozen=True)
class Practical:
    """A lamp at ``position`` (world metres) of ``colour`` (0..1 per channel), ``intensity``."""

    position: np.ndarray
    colour: np.ndarray
    intensity: float = 1.0

    def irradiance(self, points: np.ndarray, normals: np.ndarray | None) -> np.ndarray:
        """How much light (N,) reaches ``points`` (N, 3), facing ``normals`` (or the lamp)."""
        offset = self.position - points
        distance2 = np.maximum((offset * offset).sum(axis=1), 1e-6)
        height2 = max(self.position[1], 0.5) ** 2
        if normals is None:
            return np.minimum(self.intensity * height2 / distance2, 1.6)
        cosine = np.clip((normals * offset).sum(axis=1) / np.sqrt(distance2), 0, 1)
        return np.minimum(self.intensity * height2 * cosine / distance2, 1.6)


@dataclass(frozen=True)
class Lighting:
    """The light of one scene: fill and key (RGB multipliers), the key's direction, lamps."""

    ambient: np.ndarray
    key: np.ndarray
    direction: np.ndarray
    practicals: tuple[Practical, ...] = ()
    lamps_on: bool = False
    flat_balls: bool = False

    @classmethod
    def plain(cls) -> Lighting:
        """The draft's fixed light for a shot without a scene: heads flat, faces 0.55-1.0."""
        return cls(np.full(3, 0.55), np.full(3, 0.45), LIGHT, flat_balls=True)

    def shade(self, colours: np.ndarray, points: np.ndarray, normals: np.ndarray,
              glow: np.ndarray) -> np.ndarray:
        """Lit colours (N, 3) of faces of ``colours`` at ``points`` facing ``normals``."""
        light = self.ambient + np.clip(normals @ self.direction, 0, None)[:, None] * self.key
        for lamp in self.practicals:
            light = light + lamp.irradiance(points, normals)[:, None] * lamp.colour
        lit = colours * light
        if self.lamps_on:
            lit[glow] = colours[glow]
        return np.minimum(lit, 255.0)

    def balls(self, colours: Sequence[Sequence[int]],
              centres: np.ndarray) -> list[tuple[int, int, int]]:
        """Each ball's one colour (``centres`` (B, 3)): lit as its side toward the light."""
        if self.flat_balls or not len(colours):
            return [tuple(int(c) for c in colour) for colour in colours]
        light = self.ambient + 0.6 * self.key
        for lamp in self.practicals:
            light = light + 0.4 * lamp.irradiance(centres, None)[:, None] * lamp.colour
        lit = np.minimum(np.array(colours, float) * light, 255.0).astype(int)
        return list(map(tuple, lit.tolist()))

    def draw_pools(self, frame: np.ndarray, view: View, ground: Sequence[int]) -> None:
        """The practicals' pools of light on the ground, each lamp's outer rings first; every
        ring seen through one projection, the rings wholly in front of the lens as they are
        and the others cut at the near plane."""
        rings, colours = self._pools(tuple(int(c) for c in ground))
        if not colours:
            return
        camera = view.to_camera(rings.reshape(-1, 3)).reshape(rings.shape)
        depth = camera[:, :, 2]
        whole = depth.min(axis=1) >= NEAR
        projected = camera[whole] @ view.K.T
        pixels = np.zeros((len(rings), RING_POINTS, 2))
        pixels[whole] = projected[:, :, :2] / projected[:, :, 2:3]
        low, high = pixels.min(axis=1), pixels.max(axis=1)
        framed = ((high[:, 0] >= 0) & (high[:, 1] >= 0) & (low[:, 0] <= view.width)
                  & (low[:, 1] <= view.height))
        for index, colour in enumerate(colours):
            if whole[index]:
                if not framed[index]:
                    continue
                polygon = pixels[index]
            else:
                cut = clip_near(camera[index])
                if len(cut) < 3:
                    continue
                polygon = view.to_pixels(cut)
            cv2.fillPoly(frame, [cv_points(polygon)], colour, cv2.LINE_AA, SHIFT)

    def _pools(self, ground: tuple[int, int, int]) -> tuple[np.ndarray, list[Colour]]:
        """Every pool ring on the ground (R, ``RING_POINTS``, 3), each lamp's outermost first,
        and its colour over ``ground``: the same every frame, so found once."""
        known = self.__dict__.setdefault("_pool_rings", {})
        if ground not in known:
            base = np.array(ground, float)
            rings, colours = [], []
            for lamp in self.practicals:
                height = max(float(lamp.position[1]), 0.5)
                foot = np.array([lamp.position[0], 0.0, lamp.position[2]])
                for share in POOL_RINGS:
                    radius = share * height
                    inner = radius * 0.8
                    falloff = lamp.intensity * height**3 / (inner**2 + height**2) ** 1.5
                    colour = np.minimum(base + 255 * GROUND_ALBEDO * lamp.colour * falloff, 255)
                    rings.append(foot + radius * _RING)
                    colours.append(tuple(int(c) for c in colour))
            known[ground] = (np.array(rings).reshape(-1, RING_POINTS, 3), colours)
        return known[ground]


SKIES = {
    "day": (0.55, (1.0, 1.0, 1.0), 0.5, (1.0, 0.98, 0.94), (-0.35, 0.75, -0.55)),
    "dawn": (0.42, (0.95, 0.92, 1.0), 0.45, (1.0, 0.8, 0.66), (0.8, 0.3, -0.4)),
    "dusk": (0.4, (0.85, 0.85, 1.0), 0.45, (1.0, 0.72, 0.5), (-0.8, 0.28, 0.45)),
    "night": (0.1, (0.7, 0.82, 1.1), 0.12, (0.72, 0.82, 1.0), (0.3, 0.8, 0.4)),
    "interior": (0.5, (1.0, 0.96, 0.9), 0.3, (1.0, 0.95, 0.85), (0.2, 1.0, -0.3)),
}


def scene_lighting(time_of_day: str, subjects: Sequence[Subject],
                   lights: Sequence[object] = ()) -> Lighting:
    """The light of a scene at ``time_of_day`` (``interior`` for INT): the sky's key and fill,
    and, where lamps are on, each lamp post's lamp and each of the location's ``lights``."""
    fill, fill_colour, key, key_colour, direction = SKIES.get(time_of_day, SKIES["day"])
    lamps_on = time_of_day in LIT_AT
    practicals: list[Practical] = []
    if lamps_on:
        practicals += [Practical(np.array([light.x, light.y, light.z], float),
                                 np.array(colour_of(light.colour, (255, 216, 160))) / 255.0,
                                 float(light.intensity)) for light in lights]
        posts = [_post_lamp(subject) for subject in subjects if subject.piece == "lamp_post"]
        practicals += [post for post in posts  # a post the location already lights is lit once
                       if all(np.linalg.norm(post.position - lamp.position) > 1.0
                              for lamp in practicals)]
    unit = np.array(direction, float) / np.linalg.norm(direction)
    return Lighting(fill * np.array(fill_colour), key * np.array(key_colour), unit,
                    tuple(practicals), lamps_on)


def _post_lamp(subject: Subject) -> Practical:
    """A lamp post's lamp, where ``pieces`` draws it."""
    angle = -math.radians(subject.facing)
    out, below = LAMP_HEAD
    x = subject.x + out * math.cos(angle)
    z = subject.z - out * math.sin(angle)
    return Practical(np.array([x, subject.height + below, z]),
                     np.array([1.0, 0.88, 0.64]), 1.0)
