"""Lenses and sensors: sensor presets, the gate an aspect uses, pixel intrinsics, field of view."""

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
TURNED = "_turned"  # the name of a preset's sensor on a camera turned on its side


def sensor_named(name: str) -> Sensor:
    """The preset called ``name``; a ValueError names the presets when there is none."""
    try:
        return SENSORS[name]
    except KeyError:
        raise ValueError(f"unknown sensor {name!r}: one of {', '.join(SENSORS)}") from None


@dataclass(frozen=True)
class Gate:
    """The part of a sensor an image uses, in millimetres: the largest rectangle of the
    image's aspect inside the sensor (16:9 on Super 35 is 24.89 x 14.0, 9:16 is 10.5 x 18.66)."""

    width_mm: float
    height_mm: float


def used_gate(sensor: Sensor, width: int, height: int) -> Gate:
    """The gate an image of ``width`` x ``height`` pixels uses: no aspect stretches the sensor."""
    if width * sensor.height_mm >= height * sensor.width_mm:
        return Gate(sensor.width_mm, sensor.width_mm * height / width)
    return Gate(sensor.height_mm * width / height, sensor.height_mm)


def used_sensor_height(sensor: Sensor, width: int, height: int) -> float:
    """The sensor height an image of ``width`` x ``height`` pixels uses."""
    return used_gate(sensor, width, height).height_mm


def turned(sensor: Sensor) -> Sensor:
    """The sensor of a camera turned on its side: its axes swapped."""
    if sensor.name.endswith(TURNED):
        return Sensor(sensor.name.removesuffix(TURNED), sensor.height_mm, sensor.width_mm)
    return Sensor(sensor.name + TURNED, sensor.height_mm, sensor.width_mm)


def focal_px(focal_mm: float | np.ndarray, sensor: Sensor, width: int,
             height: int) -> float | np.ndarray:
    """The focal length in pixels, the same on both axes (square pixels): f·W/w_used."""
    return focal_mm * width / used_gate(sensor, width, height).width_mm


def intrinsics(focal_mm: float | np.ndarray, sensor: Sensor, width: int, height: int) -> np.ndarray:
    """The pinhole matrix K (3x3, or (N,3,3) for N focal lengths): fx = fy = f·W/w_used, centre at
    (W/2, H/2) in continuous pixel coordinates, where pixel i covers [i, i+1)."""
    f = np.asarray(focal_px(np.asarray(focal_mm, dtype=float), sensor, width, height))
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
