"""The camera model: lenses, base framing, moves and per-frame camera paths (DESIGN §6).

Conventions:

- World: metres, x right, y up, z away from the camera (its base view direction); the ground
  is y = 0 and a subject stands at (x, 0, z). Facing 0° faces the camera (-z); positive turns
  the subject to its own left, counter-clockwise seen from above (90° faces +x). This world is
  left-handed, so a world-to-camera R is a rotation times MIRROR (y negated, determinant -1);
  slerps and ``CameraPath.control_rows`` use the proper rotation R·MIRROR, i.e. the same world
  mirrored to y down.
- Camera axes are OpenCV's (x right, y down, z forward). A path holds per-frame K (fx = fy =
  f·W/w, cx = W/2, cy = H/2, continuous pixel coordinates where pixel i covers [i, i+1)) and
  world-to-camera extrinsics X_cam = R·X_world + t.
- The base camera follows DESIGN §6's composition table (``composition.TABLE``): the shot size
  fixes where the frame's bottom edge cuts the body and a vertical rule (eye line on the upper
  third, or a headroom) places the frame, both measured on the picture at the angle's pitch
  (positive looks up) and at the distance in front of the plane through the eyes. A single
  heads along +z, trucked for looking room; two-shots and over-the-shoulders in ``coverage``.
  A framing no camera above GROUND_CLEARANCE can hold says why in its ``note``.
- Moves, by shot time t in [0, 1] (frame i of N at i/(N-1)), eased between start and end, in
  chain order: pan, tilt, roll turn about the camera's own axes (positive pans right, tilts up,
  rolls clockwise as the operator behind the camera sees it); dolly, truck, pedestal slide along
  the base pose's forward, right and up; crane rises in world height and re-aims at the aim
  point; zoom adds millimetres; orbit turns the camera about the vertical through the aim point,
  positive carrying it to its right (counter-clockwise seen from above); dolly-zoom dollies along
  the base forward with f scaled by the aim point's depth after over before. A move that has
  not begun leaves its frames bit for bit, so a path continued from a pose starts exactly there.
"""

from __future__ import annotations

from previz.core.camera.composition import (
    FRAMINGS,
    PERSON,
    SHOT_SIZES,
    TABLE,
    FigureProportions,
    SizeRule,
    proportions_of,
)
from previz.core.camera.coverage import base_framing
from previz.core.camera.framing import (
    ANGLES,
    GROUND_CLEARANCE,
    Framing,
    ShotCamera,
    facing_direction,
    world_point,
)
from previz.core.camera.handles import with_handles
from previz.core.camera.labels import describe_moves, move_label, moves_label
from previz.core.camera.lens import (
    DEFAULT_SENSOR,
    SENSORS,
    Gate,
    Sensor,
    focal_px,
    horizontal_fov_deg,
    intrinsics,
    sensor_named,
    turned,
    used_gate,
    used_sensor_height,
)
from previz.core.camera.moves import EASINGS, MOVES, ease, move_progress
from previz.core.camera.path import (
    CameraPath,
    ProjectedPoints,
    camera_path,
    continue_path,
    frame_times,
)
from previz.core.camera.pose import MIRROR, WORLD_UP, CameraPose, interpolate_poses

__all__ = [
    "ANGLES",
    "DEFAULT_SENSOR",
    "EASINGS",
    "FRAMINGS",
    "GROUND_CLEARANCE",
    "MIRROR",
    "MOVES",
    "PERSON",
    "SENSORS",
    "SHOT_SIZES",
    "TABLE",
    "WORLD_UP",
    "CameraPath",
    "CameraPose",
    "FigureProportions",
    "Framing",
    "Gate",
    "ProjectedPoints",
    "Sensor",
    "ShotCamera",
    "SizeRule",
    "base_framing",
    "camera_path",
    "continue_path",
    "describe_moves",
    "ease",
    "facing_direction",
    "focal_px",
    "frame_times",
    "horizontal_fov_deg",
    "interpolate_poses",
    "intrinsics",
    "move_label",
    "move_progress",
    "moves_label",
    "proportions_of",
    "sensor_named",
    "turned",
    "used_gate",
    "used_sensor_height",
    "with_handles",
    "world_point",
]
