"""The draft backend: every request rendered as a gray-box animatic on the CPU, no weights."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence

import cv2
import numpy as np

from previz.backends.draft.geometry import View
from previz.backends.draft.lighting import scene_lighting
from previz.backends.draft.plates import Plate, plate_on_plane
from previz.backends.draft.renderer import DraftRenderer, DraftScene
from previz.backends.draft.sky import PALETTES, time_of_day
from previz.core.camera import CameraPath
from previz.core.errors import ProjectError
from previz.core.scene import SceneValue, scene_from_params
from previz.core.subjects import Subject
from previz.core.values import ConditioningImage
from previz.engine.backend import (
    CAPABILITIES,
    CancelToken,
    Constraints,
    ModelInfo,
    Progress,
    RenderRequest,
)
from previz.media import dissolve_along_flow

THUMBNAIL = 96
AHEAD = 24  # frames whose people the renderer builds at once (``DraftRenderer.prepare``)


class DraftBackend:
    """Renders any request, on any machine: the embedded default."""

    id = "draft"
    version = "11"  # bump whenever the pictures change, so stored drafts re-render
    # Bump whenever the caption-free control renders (depth, layout, pose) change: model
    # renders follow them, and are keyed on this rather than on ``version``, so that a change
    # to the preview alone (its labels, say) does not re-render anyone's GPU clips.
    control_version = "1"
    device = "cpu"
    deterministic = True  # a seed changes nothing: more takes would be the same pixels

    def available_models(self) -> Sequence[ModelInfo]:
        """The draft needs no model."""
        return ()

    def capabilities(self, model: str) -> frozenset[str]:
        """Everything: conditioning becomes plates, dissolves and labels."""
        return frozenset(CAPABILITIES)

    def constraints(self, model: str) -> Constraints:
        """Any frame count, any even size, any rate."""
        return Constraints(frame_multiple=1, size_multiple=2)

    def generate(self, request: RenderRequest, progress: Progress,
                 cancel: CancelToken) -> Iterator[np.ndarray]:
        """Yield the frames of ``request`` one at a time, checking ``cancel`` before each."""
        if request.bridge and (request.scene is None or request.camera is None):
            yield from _bridge(request, progress, cancel)
            return
        path = request.camera
        if path is None:
            raise ValueError("the draft backend needs the shot's camera path")
        views = [View(path.K[i], path.world_to_camera[i], request.width, request.height)
                 for i in range(request.frame_count)]
        before, after = request.handles  # the shot's time 0 is frame `before`
        renderer = DraftRenderer(scene_for(request, views[before]), request.width,
                                 request.height)
        end = float((request.frame_count - 1 - before - after) / request.fps)  # the last's time
        times = [float((index - before) / request.fps) for index in range(len(views))]
        for index, view in enumerate(views):
            cancel.check()
            if index % AHEAD == 0:
                renderer.prepare(times[index:index + AHEAD], views[index:index + AHEAD])
            yield renderer.render(view, times[index], end)
            progress(index + 1, request.frame_count)


def _bridge(request: RenderRequest, progress: Progress,
            cancel: CancelToken) -> Iterator[np.ndarray]:
    """In-betweens from the first-frame image to the last-frame image along optical flow."""
    ends = {item.role: request.images.get(item.asset) for item in request.conditioning}
    first, last = ends.get("first_frame"), ends.get("last_frame")
    if first is None or last is None:
        raise ValueError("a bridge needs both a first-frame and a last-frame image")
    size = (request.width, request.height)
    first, last = (cv2.resize(image, size, interpolation=cv2.INTER_AREA)
                   if image.shape[:2] != size[::-1] else image for image in (first, last))
    count = request.frame_count
    times = [(index + 1) / (count + 1) for index in range(count)]
    for index, frame in enumerate(dissolve_along_flow(first, last, times)):
        cancel.check()
        yield frame
        progress(index + 1, count)


def scene_for(request: RenderRequest, first: View) -> DraftScene:
    """The draft scene of a request: subjects (moving with a scene's blocking), light from
    the scene (its time of day, its lamps) or else from the prompt, plates, references. A
    bridge on a scene draws the scene from its in-between cameras, its first- and last-frame
    images left to model backends."""
    subjects = request.subjects
    scene, start = request.scene, float(request.scene_time)
    if scene is None:
        scene, start = _scene_of_source(request)
    if scene is None:
        return DraftScene(
            subjects=subjects, palette=PALETTES[time_of_day(request.prompt)],
            plates=_plates(request, first, _main(subjects)),
            references=_references(request, subjects), mode=request.mode,
        )
    main = _main(subjects)
    name = main.name if main else ""
    rate = 1.0  # scene seconds a clip second: a bridge runs from one shot's time to another's
    if request.scene_end is not None and request.frame_count > 1:
        rate = (float(request.scene_end) - start) * float(request.fps) / (request.frame_count - 1)
    at_start = scene.subjects_at(start, name)
    light = _time_of_day(scene)
    lights = scene.location.lights if scene.location else ()
    return DraftScene(
        subjects=at_start, palette=PALETTES[light],
        plates=_dissolve_to(request) if request.bridge else _plates(request, first, main),
        references=_references(request, subjects),
        mode=request.mode, track=lambda time: scene.subjects_at(start + time * rate, name),
        lighting=scene_lighting(light, at_start, lights),
    )


def _scene_of_source(request: RenderRequest) -> tuple[SceneValue | None, float]:
    """The scene a continuation carries on in: its source clip's (an Extend of a shot on a
    scene, not one that starts on a plate), from one frame after the source's last."""
    source = request.source_clip
    if source is None or request.bridge or not request.subjects or any(
            item.role == "first_frame" for item in request.conditioning):
        return None, 0.0
    params, window = source.provenance.get("scene"), source.provenance.get("scene_time")
    if not params or not window:
        return None, 0.0
    try:
        return scene_from_params(params), float(window[0]) + source.frame_count / float(
            source.fps)
    except (ProjectError, KeyError, IndexError, TypeError, ValueError):
        return None, 0.0


def _time_of_day(scene: SceneValue) -> str:
    """The palette of a scene: its time of day outside, ``interior`` inside."""
    if scene.location is not None and scene.location.setting == "INT":
        return "interior"
    return scene.time_of_day if scene.time_of_day in PALETTES else "day"


def _main(subjects: Sequence[Subject]) -> Subject | None:
    return next((s for s in subjects if s.main), subjects[0] if subjects else None)


def _plates(request: RenderRequest, first: View, main: Subject | None) -> list[Plate]:
    plates = []
    for item in request.conditioning:
        image = request.images.get(item.asset)
        if image is None or item.role == "reference":
            continue
        if item.role == "last_frame":
            resized = cv2.resize(image, (request.width, request.height),
                                 interpolation=cv2.INTER_AREA)
            plates.append(Plate(resized, "last_frame", strength=item.strength))
        else:
            seen_from = _seen_from(request, item, first)
            plates.append(plate_on_plane(image, item.role, seen_from,
                                         _subject_distance(seen_from, main), time=item.time,
                                         strength=item.strength))
    return plates


def _dissolve_to(request: RenderRequest) -> list[Plate]:
    """A bridge's plates: B's first frame dissolving in at its end where B opens on a plate
    (``ends_on_plate``), fully in on the frame after the bridge's last (B's own first);
    none between two shots drawn from the scene, which the bridge meets as it is."""
    last = next((request.images.get(item.asset) for item in request.conditioning
                 if item.role == "last_frame"), None)
    if not request.ends_on_plate or last is None:
        return []
    resized = cv2.resize(last, (request.width, request.height), interpolation=cv2.INTER_AREA)
    return [Plate(resized, "dissolve_to", time=float(request.frame_count / request.fps))]


def _seen_from(request: RenderRequest, item: ConditioningImage, first: View) -> View:
    """The camera an image was made by, so that its plate fills that camera's frame exactly:
    a keyframe the shot's camera at the keyframe's time; an extension's first frame (the
    clip's last) the clip's last camera, one step before the continuation's first; any other
    image the shot's first camera."""
    path, frame = request.camera, None
    if item.role == "keyframe" and path is not None:
        frame = min(max(round(item.time * request.fps) + request.handles[0], 0),
                    request.frame_count - 1)
    source = request.source_clip
    if item.role == "first_frame" and source is not None and source.camera:
        try:
            path, frame = CameraPath.from_json(source.camera), -1
        except ValueError:
            return first
    if frame is None or (path.width, path.height) != (request.width, request.height):
        return first
    return View(path.K[frame], path.world_to_camera[frame], request.width, request.height)


def _subject_distance(view: View, main: Subject | None) -> float:
    """Depth of the main subject's middle seen by ``view`` (10 m with nobody there)."""
    if main is None:
        return 10.0
    point = np.array([[main.x, main.height / 2, main.z]])
    return max(float(view.to_camera(point)[0, 2]), 0.5)


def _references(request: RenderRequest, subjects: Sequence[Subject]) -> Mapping[str, np.ndarray]:
    main = _main(subjects)
    found = {}
    for item in request.conditioning:
        image = request.images.get(item.asset)
        if item.role != "reference" or image is None:
            continue
        name = item.subject or (main.name if main else "")
        scale = THUMBNAIL / max(image.shape[:2])
        found[name] = cv2.resize(image, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    return found
