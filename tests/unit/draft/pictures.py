"""Small draft renders of known scenes, and what the tests measure on them.

The tests judge the picture, not the code: where a subject should land they work it out with
``Pinhole``, DESIGN §6's camera written out again here (lens, sensor, framing distance, yaw
and pitch), never with ``previz.core.camera``. Subjects are found by their colours: the flat
per-subject colours of the layout control mode, or the preview's known skin and palette.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from fractions import Fraction

import cv2
import numpy as np

from previz.backends.draft.backend import DraftBackend
from previz.backends.draft.figures import LAYOUT_COLOURS
from previz.core.camera import CameraPath, ShotCamera, camera_path
from previz.core.subjects import Subject
from previz.core.values import ConditioningImage, MoveValue
from previz.engine.backend import CancelToken, RenderRequest

W, H = 640, 360
# Sensor widths in millimetres, from the presets (the used height is W/H of it).
SENSOR_WIDTHS = {"super35": 24.89, "full_frame": 36.0, "alexa35": 27.99, "super16": 12.52}
SENSOR_HEIGHTS = {"super35": 18.66, "full_frame": 24.0, "alexa35": 19.22, "super16": 7.41}
# DESIGN §6: metres of frame height around the subject of the wide sizes.
WIDE_VISIBLE = {"wide": 5.0, "extreme_wide": 15.0}
ANGLE_PITCH = {"eye": 0.0, "high": -15.0, "low": 20.0}
RED, GREEN, BLUE, YELLOW = (LAYOUT_COLOURS[i] for i in range(4))
MAGENTA_PLATE = np.full((H, W, 3), (255, 0, 255), np.uint8)  # a plate unlike the draft


def person(name: str = "Ann", x: float = 0.0, z: float = 0.0, *, height: float = 1.75,
           facing: float = 0.0, main: bool = False) -> Subject:
    """A person standing at (x, z)."""
    return Subject(name, "person", height, x, z, facing, main)


def prop(name: str = "Crate", x: float = 0.0, z: float = 0.0, *, height: float = 1.0,
         main: bool = False) -> Subject:
    """A prop: a box ``min(height, 1.2)`` metres square standing at (x, z)."""
    return Subject(name, "prop", height, x, z, 0.0, main)


@dataclass(frozen=True)
class Take:
    """A rendered request: its frames and the camera path it was rendered with."""

    request: RenderRequest
    frames: list[np.ndarray]

    @property
    def path(self) -> CameraPath:
        """The camera path of the take."""
        return self.request.camera

    def again(self, **changes: object) -> Take:
        """The same request with some fields changed (a mode, a prompt), rendered afresh."""
        return render(replace(self.request, **changes))


def render(request: RenderRequest) -> Take:
    """Every frame the draft backend makes of ``request``."""
    frames = list(DraftBackend().generate(request, lambda _done, _total: None, CancelToken()))
    return Take(request, frames)


def shoot(subjects: Sequence[Subject], *, size: str = "wide", lens: float = 35.0,
          sensor: str = "super35", angle: str = "eye", moves: Sequence[MoveValue] = (),
          frames: int = 1, mode: str = "layout", width: int = W, height: int = H,
          prompt: str = "", slate: tuple[str, ...] = (),
          conditioning: Sequence[ConditioningImage] = (),
          images: Mapping[str, np.ndarray] | None = None) -> Take:
    """Frame the main subject as a Shot would and render ``frames`` frames at 24 fps."""
    main = next(subject for subject in subjects if subject.main)
    camera = ShotCamera(main, size, angle, lens, sensor, width, height)
    request = RenderRequest(
        prompt=prompt, width=width, height=height, frame_count=frames, fps=Fraction(24),
        seed=0, camera=camera_path(camera, tuple(moves), frames), subjects=tuple(subjects),
        slate=slate, mode=mode, conditioning=tuple(conditioning), images=dict(images or {}),
    )
    return render(request)


def linear(move: str, amount: float, start: float = 0.0, end: float = 1.0) -> MoveValue:
    """A move at constant speed."""
    return MoveValue(move, amount, start, end, "linear")


# Finding a subject by its colour.


def coverage(frame: np.ndarray, colour: Sequence[int], tolerance: float = 10.0) -> np.ndarray:
    """How much of each pixel (0..1) a flat ``colour`` covers over a grey background.

    An anti-aliased edge mixes the colour with grey (black sky or grey ground in the layout
    mode): what is left after taking out the grey is the colour's chroma times its coverage.
    Pixels that mix in any other colour are left out.
    """
    pixels = frame.astype(float)
    chroma = pixels - pixels.mean(axis=2, keepdims=True)
    target = np.asarray(colour, float) - float(np.mean(colour))
    amount = chroma @ target / (target @ target)
    residual = np.linalg.norm(chroma - amount[..., None] * target, axis=2)
    return np.where((residual < tolerance) & (amount > 0.02), np.clip(amount, 0.0, 1.0), 0.0)


def colour_mask(frame: np.ndarray, colour: Sequence[int], tolerance: int = 3) -> np.ndarray:
    """Pixels of exactly ``colour`` (give or take ``tolerance`` per channel)."""
    difference = np.abs(frame.astype(int) - np.asarray(colour, int))
    return difference.max(axis=2) <= tolerance


@dataclass(frozen=True)
class Silhouette:
    """What a coverage map shows: area, centroid and extents in continuous pixel coordinates
    (pixel i covers [i, i+1), so its centre is i + 0.5)."""

    area: float
    centroid: np.ndarray
    left: float
    right: float
    top: float
    bottom: float

    @property
    def width(self) -> float:
        """Extent across, in pixels."""
        return self.right - self.left

    @property
    def height(self) -> float:
        """Extent up and down, in pixels."""
        return self.bottom - self.top


def silhouette(alpha: np.ndarray) -> Silhouette:
    """Measure a coverage map (or a boolean mask); its partly covered edge pixels count for
    the part they cover."""
    alpha = np.asarray(alpha, float)
    area = float(alpha.sum())
    if area <= 0:
        raise AssertionError("the subject is not in the picture")
    rows, columns = np.mgrid[0:alpha.shape[0], 0:alpha.shape[1]] + 0.5
    centroid = np.array([(alpha * columns).sum(), (alpha * rows).sum()]) / area
    left, right = _extent(alpha.max(axis=0))
    top, bottom = _extent(alpha.max(axis=1))
    return Silhouette(area, centroid, left, right, top, bottom)


def _extent(profile: np.ndarray) -> tuple[float, float]:
    """Where a coverage profile starts and ends: the fully covered run, widened by the
    coverage of the soft edge pixels either side of it (a sharp edge at the same place)."""
    full = np.flatnonzero(profile >= 0.99)
    if not len(full):
        full = np.flatnonzero(profile == profile.max())
    first, last = full[0], full[-1]
    return float(first - profile[:first].sum()), float(last + 1 + profile[last + 1:].sum())


def layout_silhouette(frame: np.ndarray, colour: Sequence[int]) -> Silhouette:
    """The silhouette of the subject drawn in ``colour`` in a layout frame."""
    return silhouette(coverage(frame, colour))


# DESIGN §6's pinhole camera, written out independently of previz.core.camera.


@dataclass(frozen=True)
class Pinhole:
    """A camera at ``centre`` (world metres: x right, y up, z away) heading ``yaw`` degrees
    right of +z and pitched ``pitch`` degrees up, with a ``focal_mm`` lens on a sensor
    gate ``sensor_mm`` wide (the part of the sensor the image's aspect uses), making
    ``width`` x ``height`` images with square pixels."""

    centre: np.ndarray
    yaw: float
    pitch: float
    focal_mm: float
    sensor_mm: float
    width: int = W
    height: int = H
    axes: np.ndarray = field(init=False, repr=False)

    def __post_init__(self) -> None:
        yaw, pitch = math.radians(self.yaw), math.radians(self.pitch)
        forward = np.array([math.sin(yaw) * math.cos(pitch), math.sin(pitch),
                            math.cos(yaw) * math.cos(pitch)])
        right = np.array([math.cos(yaw), 0.0, -math.sin(yaw)])
        down = -np.array([-math.sin(yaw) * math.sin(pitch), math.cos(pitch),
                          -math.cos(yaw) * math.sin(pitch)])
        object.__setattr__(self, "axes", np.stack([right, down, forward]))

    @classmethod
    def framing(cls, subject_height: float, x: float, z: float, *, size: str = "wide",
                angle: str = "eye", focal_mm: float = 35.0, sensor: str = "super35",
                width: int = W, height: int = H) -> Pinhole:
        """The base camera of a full or wider shot of a person facing it, by DESIGN §6's table:
        a full shot has 8% headroom over the head's outline and 5% under the toes; a wide or
        extreme wide puts the feet on the lower third with 5 m or 15 m of frame height. Both
        are held in the picture at the angle's pitch: a ray at θ + atan(t) from a camera d in
        front of the body's plane and h up meets it at h + d·tan(θ + atan t)."""
        sensor_w, sensor_h = SENSOR_WIDTHS[sensor], SENSOR_HEIGHTS[sensor]
        used_height = min(sensor_h, sensor_w * height / width)
        half = used_height / (2 * focal_mm)
        pitch = ANGLE_PITCH[angle]
        if size == "full":  # the head's ball on the headroom, the toes (0.05·H ahead) low
            radius = 0.133 * subject_height / 2
            top, top_t = subject_height - radius, half * (1 - 2 * 0.08)
            bottom_t, toes = -half * (1 - 2 * 0.05), 0.05 * subject_height
        else:
            radius, top, top_t = 0.0, 2 * WIDE_VISIBLE[size] / 3, half
            bottom_t, toes = -half / 3, 0.0
        up = math.radians(pitch) + math.atan(top_t)
        down = math.radians(pitch) + math.atan(bottom_t)
        top += radius / math.cos(up)  # the ray grazing the head's ball
        distance = (top - toes * math.tan(down)) / (math.tan(up) - math.tan(down))
        camera_height = -(distance - toes) * math.tan(down)
        return cls(np.array([x, camera_height, z - distance]), 0.0, pitch, focal_mm,
                   used_height * width / height, width, height)

    @property
    def focal_px(self) -> float:
        """fx = fy = f·W/w."""
        return self.focal_mm * self.width / self.sensor_mm

    def turned(self, *, pan: float = 0.0, tilt: float = 0.0) -> Pinhole:
        """This camera panned right and tilted up by some degrees (a level camera's pan is a
        change of heading, an unpanned camera's tilt a change of pitch)."""
        return replace(self, yaw=self.yaw + pan, pitch=self.pitch + tilt)

    def zoomed(self, focal_mm: float) -> Pinhole:
        """This camera with another lens."""
        return replace(self, focal_mm=focal_mm)

    def moved(self, offset: Sequence[float]) -> Pinhole:
        """This camera carried by ``offset`` metres of world."""
        return replace(self, centre=self.centre + np.asarray(offset, float))

    def camera_points(self, points: np.ndarray) -> np.ndarray:
        """World points (M, 3) in camera axes: x right, y down, z forward."""
        return (np.asarray(points, float) - self.centre) @ self.axes.T

    def project(self, points: np.ndarray) -> np.ndarray:
        """u = cx + fx·X/Z, v = cy + fy·Y/Z with the centre at (W/2, H/2): pixels (M, 2)."""
        camera = self.camera_points(points)
        f = self.focal_px
        return np.stack([self.width / 2 + f * camera[:, 0] / camera[:, 2],
                         self.height / 2 + f * camera[:, 1] / camera[:, 2]], axis=1)

    def vanishing_point(self, direction: Sequence[float]) -> np.ndarray:
        """Where lines running along ``direction`` meet in the picture: K·R·d."""
        d = self.axes @ np.asarray(direction, float)
        f = self.focal_px
        return np.array([self.width / 2 + f * d[0] / d[2], self.height / 2 + f * d[1] / d[2]])


def box_corners(x: float, z: float, size: Sequence[float], bottom: float = 0.0) -> np.ndarray:
    """The 8 corners of an upright box (width, height, depth) standing at (x, z)."""
    width, height, depth = size
    return np.array([[x + sx * width / 2, bottom + sy * height, z + sz * depth / 2]
                     for sx in (-1, 1) for sy in (0, 1) for sz in (-1, 1)])


def prop_corners(subject: Subject) -> np.ndarray:
    """A prop's box: ``min(height, 1.2)`` metres square (the draft's prop), as tall as said."""
    side = min(subject.height, 1.2)
    return box_corners(subject.x, subject.z, (side, subject.height, side))


@dataclass(frozen=True)
class Outline:
    """A convex outline in the picture: its area, centroid and bounding box."""

    area: float
    centroid: np.ndarray
    left: float
    right: float
    top: float
    bottom: float

    @property
    def height(self) -> float:
        """Extent up and down, in pixels."""
        return self.bottom - self.top


def outline(pixels: np.ndarray) -> Outline:
    """The convex hull of projected corners (a box's silhouette is the hull of its corners)."""
    hull = cv2.convexHull(np.asarray(pixels, np.float64).astype(np.float32)).reshape(-1, 2)
    x, y = hull[:, 0].astype(float), hull[:, 1].astype(float)
    x1, y1 = np.roll(x, -1), np.roll(y, -1)
    cross = x * y1 - x1 * y
    area = cross.sum() / 2
    centroid = np.array([((x + x1) * cross).sum(), ((y + y1) * cross).sum()]) / (6 * area)
    return Outline(abs(area), centroid, float(x.min()), float(x.max()), float(y.min()),
                   float(y.max()))
