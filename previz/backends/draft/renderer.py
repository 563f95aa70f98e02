"""The draft renderer: each frame drawn from its camera, vectorised with OpenCV and numpy.

Back to front: sky, ground and its grid, plates, then every face of every figure from the
farthest to the nearest (so nearer things hide farther ones), labels and the slate caption.
The control modes draw the same geometry without text: ``depth`` (metres, and a grey image
that is brighter for nearer things) and ``layout`` (a flat colour per subject).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import cv2
import numpy as np

from previz.backends.draft.figures import LAYOUT_COLOURS, Face, Figure, figure
from previz.backends.draft.geometry import NEAR, View, clip_near
from previz.backends.draft.ground import draw_grid, ground_depth, pixel_rays
from previz.backends.draft.plates import Plate, draw_plate
from previz.backends.draft.sky import Palette, sky_rows
from previz.backends.draft.text import (
    Sprite,
    blend,
    caption_sprite,
    image_sprite,
    label_sprite,
)
from previz.core.subjects import Subject

MODES = ("preview", "depth", "layout")
LIGHT = np.array([-0.35, 0.75, -0.55]) / np.linalg.norm([-0.35, 0.75, -0.55])
SKY_DEPTH = 1000.0


@dataclass(frozen=True)
class DraftScene:
    """What the draft shows, apart from the camera: subjects, light, plates, slate."""

    subjects: Sequence[Subject]
    palette: Palette
    caption: tuple[str, ...] = ()
    plates: Sequence[Plate] = ()
    references: Mapping[str, np.ndarray] = field(default_factory=dict)
    mode: str = "preview"


@dataclass(frozen=True)
class _Drawable:
    depth: float
    polygon: np.ndarray | None
    circle: tuple[np.ndarray, float] | None
    colour: tuple[int, int, int]
    subject: int


class DraftRenderer:
    """Renders frames of one scene at one size; text is drawn once and reused."""

    def __init__(self, scene: DraftScene, width: int, height: int) -> None:
        if scene.mode not in MODES:
            raise ValueError(f"draft mode {scene.mode!r} is not one of {', '.join(MODES)}")
        self.scene, self.width, self.height = scene, width, height
        self.figures = [figure(subject, index) for index, subject in enumerate(scene.subjects)]
        self._faces = _FaceTable([face for fig in self.figures for box in fig.boxes
                                  for face in box.faces()])
        self.text_size = max(int(height * 0.028), 10)
        self._caption = caption_sprite(scene.caption, width, self.text_size) if (
            scene.caption and scene.mode == "preview") else None
        self._labels = {f.index: self._label(f) for f in self.figures}
        self._thumbnails = {f.index: image_sprite(scene.references[f.subject.name])
                            for f in self.figures if f.subject.name in scene.references}
        self._rays: np.ndarray | None = None
        self._sky = _sky_strip(scene.palette, width, height)

    def render(self, view: View, time: float, duration: float) -> np.ndarray:
        """The frame at ``time`` seconds seen by ``view``: HxWx3 uint8 RGB."""
        if self.scene.mode == "depth":
            return encode_depth(self.depth(view))
        frame = np.empty((self.height, self.width, 3), np.uint8)
        layout = self.scene.mode == "layout"
        self._background(frame, view, layout)
        plated = False
        if not layout:
            for plate in self.scene.plates:
                if plate.corners is not None:
                    opacity = plate.opacity(time, duration)
                    draw_plate(frame, plate, view, opacity)
                    plated = plated or opacity >= 1.0
        self._figures(frame, view, layout, outline_only=plated)
        if not layout:
            self._overlays(frame, view, time, duration)
        return frame

    def depth(self, view: View) -> np.ndarray:
        """Camera-space depth in metres (H, W) float32; the sky is ``SKY_DEPTH``."""
        if self._rays is None:
            self._rays = pixel_rays(view)
        depth = np.minimum(ground_depth(view, self._rays), SKY_DEPTH)
        for item in self._drawables(view):
            self._fill(depth, item, float(item.depth))
        return depth

    def _background(self, frame: np.ndarray, view: View, layout: bool) -> None:
        palette = self.scene.palette
        if layout:
            frame[:] = 0
            ground = (64, 64, 64)
        else:
            offset = int(np.clip(round(2 * self.height - _horizon_row(view)), 0,
                                 2 * self.height))
            np.copyto(frame, self._sky[offset:offset + self.height])
            ground = palette.ground
        polygon = view.ground_polygon()
        if len(polygon) >= 3:
            cv2.fillPoly(frame, [np.round(polygon * 16).astype(np.int32)], ground,
                         cv2.LINE_AA, 4)
        if not layout:
            draw_grid(frame, view, palette.ground, palette.grid)

    def _figures(self, frame: np.ndarray, view: View, layout: bool, outline_only: bool) -> None:
        for item in self._drawables(view):
            colour = LAYOUT_COLOURS[item.subject % len(LAYOUT_COLOURS)] if layout else item.colour
            if outline_only:
                self._outline(frame, item, (255, 255, 255))
            else:
                self._fill(frame, item, colour)
                if not layout:
                    self._outline(frame, item, tuple(int(c * 0.55) for c in item.colour))

    def _drawables(self, view: View) -> list[_Drawable]:
        items = self._faces.visible(view)
        for fig in self.figures:
            items.extend(_balls(fig, view))
        return sorted(items, key=lambda item: -item.depth)

    @staticmethod
    def _fill(target: np.ndarray, item: _Drawable, colour: object) -> None:
        if item.polygon is not None:
            cv2.fillConvexPoly(target, np.round(item.polygon * 16).astype(np.int32), colour,
                               cv2.LINE_AA if target.dtype == np.uint8 else cv2.LINE_8, 4)
        elif item.circle is not None:
            centre, radius = item.circle
            cv2.circle(target, tuple(np.round(centre * 16).astype(int)), int(radius * 16),
                       colour, -1, cv2.LINE_AA if target.dtype == np.uint8 else cv2.LINE_8, 4)

    @staticmethod
    def _outline(frame: np.ndarray, item: _Drawable, colour: tuple[int, ...]) -> None:
        if item.polygon is not None:
            cv2.polylines(frame, [np.round(item.polygon * 16).astype(np.int32)], True, colour,
                          1, cv2.LINE_AA, 4)
        elif item.circle is not None:
            centre, radius = item.circle
            cv2.circle(frame, tuple(np.round(centre * 16).astype(int)), int(radius * 16),
                       colour, 1, cv2.LINE_AA, 4)

    def _overlays(self, frame: np.ndarray, view: View, time: float, duration: float) -> None:
        for plate in self.scene.plates:
            if plate.corners is None:
                draw_plate(frame, plate, view, plate.opacity(time, duration))
        for fig in self.figures:
            anchor = view.to_camera(fig.label_anchor[None])[0]
            if anchor[2] <= 0.1:
                continue
            u, v = view.to_pixels(anchor[None])[0]
            sprite = self._labels[fig.index]
            top = min(max(int(v - sprite.height), 2), self.height - sprite.height - 2)
            blend(frame, sprite, int(u - sprite.width / 2), top)
            thumbnail = self._thumbnails.get(fig.index)
            if thumbnail is not None:
                blend(frame, thumbnail, int(u + sprite.width / 2 + 4), top)
        if self._caption is not None:
            blend(frame, self._caption, 0, self.height - self._caption.height)

    def _label(self, fig: Figure) -> Sprite:
        name = fig.subject.name
        if name in self.scene.references:
            name += " (ref)"
        return label_sprite(name, self.text_size)


class _FaceTable:
    """Every box face of the scene as arrays, so each frame culls, shades and projects them
    all at once."""

    def __init__(self, faces: list[Face]) -> None:
        self.corners = np.array([face.corners for face in faces]).reshape(-1, 4, 3)
        self.normals = np.array([face.normal for face in faces]).reshape(-1, 3)
        self.subjects = [face.subject for face in faces]
        shade = 0.55 + 0.45 * np.clip(self.normals @ LIGHT, 0.0, None)
        colours = np.array([face.colour for face in faces], float).reshape(-1, 3)
        self.colours = [tuple(int(c) for c in row)
                        for row in np.minimum(colours * shade[:, None], 255)]

    def visible(self, view: View) -> list[_Drawable]:
        if not len(self.corners):
            return []
        centres = self.corners.mean(axis=1)
        facing = np.einsum("ij,ij->i", self.normals, view.position - centres) > 0
        camera = view.to_camera(self.corners.reshape(-1, 3)).reshape(-1, 4, 3)
        items = []
        for index in np.flatnonzero(facing & (camera[:, :, 2].max(axis=1) > NEAR)):
            polygon = camera[index]
            if polygon[:, 2].min() < NEAR:
                polygon = clip_near(polygon)
                if len(polygon) < 3:
                    continue
            items.append(_Drawable(float(polygon[:, 2].mean()), view.to_pixels(polygon), None,
                                   self.colours[index], self.subjects[index]))
        return items


def _balls(fig: Figure, view: View) -> list[_Drawable]:
    items = []
    for ball in fig.balls:
        centre = view.to_camera(ball.centre[None])[0]
        if centre[2] <= ball.radius + 0.01:
            continue
        pixel = view.to_pixels(centre[None])[0]
        radius = view.K[0, 0] * ball.radius / np.sqrt(centre[2] ** 2 - ball.radius**2)
        items.append(_Drawable(float(centre[2] - ball.radius * 0.5), None, (pixel, radius),
                               ball.colour, ball.subject))
    return items


def _sky_strip(palette: Palette, width: int, height: int) -> np.ndarray:
    """Sky three frames tall with the horizon two frames down: any frame's sky is a slice."""
    rows = sky_rows(palette, 3 * height, 2.0 * height)
    return np.repeat(rows[:, None, :], width, axis=1)


def _horizon_row(view: View) -> float:
    line = view.horizon()
    if abs(line[1]) < 1e-9:
        return -1e6 if line[2] < 0 else 1e6
    return float(-(line[0] * view.width / 2 + line[2]) / line[1])


def encode_depth(depth: np.ndarray) -> np.ndarray:
    """Depth as a grey frame for depth-conditioned models: nearer is brighter."""
    grey = np.clip(255.0 * 2.0 / (2.0 + depth), 0, 255).astype(np.uint8)
    return np.repeat(grey[:, :, None], 3, axis=2)
