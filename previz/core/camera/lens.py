"""Lenses and sensors: sensor presets, the used sensor height, pixel intrinsics, field of view."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Sensor:
    """A camera's sensor gate: its preset name and its size in millimetres."""

    name: str
    width_mm: float
    height_mm: float

    def to_json(self) -> dict[str, object]:
        """The stored form of this sensor."""
        return {"name": self.name, "width_mm": self.width_mm, "height_mm": self.height_mm}

    @classmethod
    def from_json(cls, data: dict[str, object]) -> Sensor:
        """A sensor from its stored form."""
        return cls(str(data["name"]), float(data["width_mm"]), float(data["height_mm"]))


SENSORS: dict[str, Sensor] = {
    sensor.name: sensor
    for sensor in (
        Sensor("super35", 24.89, 18.66),
        Sensor("full_frame", 36.0, 24.0),
        Sensor("alexa35", 27.99, 19.22),
        Sensor("super16", 12.52, 7.41),
    )
}
DEFAULT_SENSOR = "super35"


def sensor_named(name: str) -> Sensor:
    """The preset called ``name``; a ValueError names the presets when there is none."""
    try:
        return SENSORS[name]
    except KeyError:
        raise ValueError(f"unknown sensor {name!r}: one of {', '.join(SENSORS)}") from None


def used_sensor_height(sensor: Sensor, width: int, height: int) -> float:
    """The sensor height an image of ``width`` x ``height`` pixels uses: the full width, cut to
    the image's aspect (16:9 on Super 35 uses 14.0 mm)."""
    return sensor.width_mm * height / width


def focal_px(focal_mm: float | np.ndarray, sensor: Sensor, width: int) -> float | np.ndarray:
    """The focal length in pixels, the same on both axes (square pixels)."""
    return focal_mm * width / sensor.width_mm


def intrinsics(focal_mm: float | np.ndarray, sensor: Sensor, width: int, height: int) -> np.ndarray:
    """The pinhole matrix K (3x3, or (N,3,3) for N focal lengths): fx = fy = f·W/w, centre at
    (W/2, H/2) in continuous pixel coordinates, where pixel i covers [i, i+1)."""
    f = np.asarray(focal_px(np.asarray(focal_mm, dtype=float), sensor, width))
    k = np.zeros((*f.shape, 3, 3))
    k[..., 0, 0] = f
    k[..., 1, 1] = f
    k[..., 0, 2] = width / 2
    k[..., 1, 2] = height / 2
    k[..., 2, 2] = 1.0
    return k


def horizontal_fov_deg(focal_mm: float, sensor: Sensor) -> float:
    """The horizontal angle of view, 2·atan(w/2f), in degrees."""
    return math.degrees(2 * math.atan(sensor.width_mm / (2 * focal_mm)))
