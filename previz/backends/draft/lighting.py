"""Light for the draft: the sun or moon of the time of day, the sky's fill, and practicals.

A face is lit by the fill (ambient), the sun or moon (Lambert, toward ``direction``) and each
practical that is on (dawn, dusk, night, interiors): a lamp of height y over a point d away
gives ``intensity · y² · cos / d²``, so on the ground beneath it the pool falls off as
y³ / (r² + y²)^1.5 with the distance r from its foot. The ground's pools are drawn as bands
of that falloff out to 2.6 y, each a few grey levels brighter than the one outside it (too
little for the eye to see a step), projected exactly like the grid. Lamps (lamp posts' heads,
a location's lights) glow at full colour. With no scene, ``Lighting.plain`` is the draft's
old fixed light.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import groupby

import cv2
import numpy as np

from previz.backends.draft.geometry import (
    NEAR,
    SHIFT,
    View,
    cameras,
    clip_near,
    cv_points,
    in_frame,
    least,
    to_cameras,
    to_pixels_many,
    total,
)
from previz.backends.draft.pieces import Colour, colour_of
from previz.core.subjects import Subject

LIGHT = np.array([-0.35, 0.75, -0.55]) / np.linalg.norm([-0.35, 0.75, -0.55])
GROUND_ALBEDO = np.array([118, 122, 112], float) / 255.0
POOL_EDGE = 2.6  # a pool's reach, of its lamp's height: the light there is 1/21.6 of below it
POOL_STEP = 5.0  # grey levels at most between neighbouring bands of a pool
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
        distance2 = np.maximum(total(offset * offset), 1e-6)
        height2 = max(self.position[1], 0.5) ** 2
        if normals is None:
            return np.minimum(self.intensity * height2 / distance2, 1.6)
        cosine = np.clip(total(normals * offset) / np.sqrt(distance2), 0, 1)
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

    def draw_pools(self, frame: np.ndarray, view: View, ground: Sequence[int],
                   patches: list[PoolPatch] | None = None) -> None:
        """The practicals' pools of light on the ground, added to what is there (the ground
        and its grid, so a painted line under a lamp is lit like the ground around it, and two
        pools that overlap add up). Each lamp's bands are drawn outermost first, each a disc over
        the last, into a patch the size of its pool, which is then added to the frame.
        ``patches``: the pools as this view sees them (``pool_patches``), found here if not
        given. Aliased: neighbouring bands are a few grey levels apart, and two dozen aliased
        discs cost what six anti-aliased rings did."""
        if patches is None:
            patches = self.pool_patches([view], ground)[0]
        fill, sharp = cv2.fillConvexPoly, cv2.LINE_8
        for (left, top, right, bottom), bands in patches:
            light = _patch(bottom - top, right - left)
            for edge, colour in bands:
                fill(light, edge, colour, sharp, SHIFT)
            patch = frame[top:bottom, left:right]
            cv2.add(patch, light, dst=patch)

    def pool_patches(self, views: Sequence[View], ground: Sequence[int]) -> list[list[PoolPatch]]:
        """Each view's pools (``draw_pools``): for each lamp whose pool it sees, the patch of
        the frame its outermost seen band spans and each seen band's outline in that patch
        with its light, found for all the views at once (``pool_outlines``; the patches'
        extents and the outlines' shifts one array call for them all)."""
        _, lights, lamps = self._pools(tuple(int(c) for c in ground))
        outlines = self.pool_outlines(views, ground)
        every = [(number, mine) for number, seen in enumerate(outlines)
                 for _, bands in groupby(range(len(lamps)), key=lamps.__getitem__)
                 if (mine := [ring for ring in bands if seen[ring] is not None])]
        found: list[list[PoolPatch]] = [[] for _ in views]
        if not every:
            return found
        outers = [outlines[number][mine[0]] for number, mine in every]  # holds the others
        starts = np.cumsum([0, *(len(outer) for outer in outers[:-1])])
        joined = np.concatenate(outers)
        size = np.array([views[0].width, views[0].height])
        low = np.maximum(np.minimum.reduceat(joined, starts) >> SHIFT, 0)
        high = np.minimum((np.maximum.reduceat(joined, starts) >> SHIFT) + 2, size)
        rings = [outlines[number][ring] for number, mine in every for ring in mine]
        corners = np.repeat(low << SHIFT, [sum(len(outlines[number][ring]) for ring in mine)
                                           for number, mine in every], axis=0)
        shifted = np.concatenate(rings) - corners
        ends = np.cumsum([len(ring) for ring in rings]).tolist()
        spans, taken = list(zip([0, *ends[:-1]], ends, strict=True)), 0
        for (number, mine), (left, top), (right, bottom) in zip(every, low.tolist(),
                                                               high.tolist(), strict=True):
            bands = [(shifted[start:end], lights[ring]) for ring, (start, end)
                     in zip(mine, spans[taken:taken + len(mine)], strict=True)]
            taken += len(mine)
            if right > left and bottom > top:
                found[number].append(((left, top, right, bottom), bands))
        return found

    def pool_outlines(self, views: Sequence[View],
                      ground: Sequence[int]) -> list[list[np.ndarray | None]]:
        """Each view's outline of every band of every pool (``_pools``) in fixed-point pixels,
        or None where it does not reach into the frame or lies behind the lens, found for all
        the views at once (a render's next frames: numpy's cost per call paid once for them).
        Every ring is seen through one projection, those wholly in front of the lens as they
        are and the others cut at the near plane."""
        rings = self._pools(tuple(int(c) for c in ground))[0]
        if not len(rings):
            return [[] for _ in views]
        rotations, shifts, lenses = cameras(views)
        count = len(views)
        camera = to_cameras(rings.reshape(-1, 3), rotations, shifts)  # (F, R·P, 3)
        whole = least(camera[:, :, 2].reshape(-1, RING_POINTS)).reshape(count, -1) >= NEAR
        with np.errstate(divide="ignore", invalid="ignore"):  # rings not whole are not read
            pixels = to_pixels_many(camera, lenses).reshape(-1, RING_POINTS, 2)
        usable = whole & in_frame(pixels, views[0], margin=0.0).reshape(count, -1)
        camera = camera.reshape(count, *rings.shape)  # (F, R, P, 3)
        pixels = pixels.reshape(count, -1, RING_POINTS, 2)
        points = cv_points(np.where(whole[..., None, None], pixels, 0.0))
        found: list[list[np.ndarray | None]] = []
        for number, (view, used) in enumerate(zip(views, usable.tolist(), strict=True)):
            outlines = [ring if ok else None for ring, ok in zip(points[number], used,
                                                                  strict=True)]
            for ring in np.flatnonzero(~whole[number]).tolist():  # cut at the near plane
                cut = clip_near(camera[number, ring])
                outlines[ring] = cv_points(view.to_pixels(cut)) if len(cut) >= 3 else None
            found.append(outlines)
        return found

    def _pools(self, ground: tuple[int, int, int]) -> tuple[np.ndarray, list[Colour],
                                                             list[int]]:
        """The outer ring of every band of every pool (R, ``RING_POINTS``, 3), each lamp's
        outermost first, each band's light over ``ground`` (what it adds to it) and the lamp
        it is of: the same every frame, so found once. The bands divide the falloff between
        the pool's edge and its middle into equal steps of at most ``POOL_STEP`` grey levels
        (neighbours of one colour, where the lamp saturates the ground, are one band)."""
        known = self.__dict__.setdefault("_pool_bands", {})
        if ground not in known:
            base = np.array(ground, float)
            rings: list[np.ndarray] = []
            colours: list[Colour] = []
            lamps: list[int] = []
            for index, lamp in enumerate(self.practicals):
                height = max(float(lamp.position[1]), 0.5)
                foot = np.array([lamp.position[0], 0.0, lamp.position[2]])
                light = 255 * GROUND_ALBEDO * lamp.colour
                middle = lamp.intensity
                if middle <= 0:
                    continue
                edge = middle / (POOL_EDGE**2 + 1) ** 1.5
                span = float(np.max(np.minimum(base + light * middle, 255)
                                    - np.minimum(base + light * edge, 255)))
                steps = max(int(np.ceil(span / POOL_STEP)), 1)
                levels = edge + (middle - edge) * np.arange(steps + 1) / steps
                radii = height * np.sqrt(np.maximum((middle / levels) ** (2 / 3) - 1, 0.0))
                # Each band in the light at its outer edge, outermost first.
                shades = np.minimum(base + light * levels[:-1, None], 255).astype(int)
                first = len(colours)
                for radius, shade in zip(radii[:-1].tolist(), shades.tolist(), strict=True):
                    colour = (shade[0], shade[1], shade[2])
                    if len(colours) > first and colours[-1] == colour:
                        continue  # the same colour as the band outside it: one band
                    colours.append(colour)
                    rings.append(foot + radius * _RING)
                    lamps.append(index)
            lights = [(r - ground[0], g - ground[1], b - ground[2]) for r, g, b in colours]
            known[ground] = (np.array(rings).reshape(-1, RING_POINTS, 3), lights, lamps)
        return known[ground]


_SCRATCH = threading.local()  # each rendering thread's buffer for the pools' light


PoolPatch = tuple[tuple[int, int, int, int], list[tuple[np.ndarray, Colour]]]
"""A lamp's pool as one view sees it (``Lighting.pool_patches``): the patch of the frame it
lights (left, top, right, bottom pixels), and each seen band's outline in fixed-point pixels
from the patch's corner with its light, outermost first."""


def _patch(height: int, width: int) -> np.ndarray:
    """A black patch of this size, in memory this thread reuses (a fresh 0.5 MB patch a
    frame costs its pages' zeroing, most of a pool's drawing)."""
    buffer = getattr(_SCRATCH, "buffer", None)
    if buffer is None or buffer.shape[0] < height or buffer.shape[1] < width:
        buffer = _SCRATCH.buffer = np.empty((max(height, 720), max(width, 1280), 3), np.uint8)
    patch = buffer[:height, :width]
    patch.fill(0)
    return patch


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
