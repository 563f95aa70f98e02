"""The scene drives the model: a shot on a scene tells the model its characters (descriptions
in the prompt, reference images as identity references: VACE's reference images, or the first
frame of a model that only renders from an image) and gives it the draft's render of the
blocking as its control video. Checked at the pipeline boundary, on tiny models."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from models.studio import ModelStudio, solid
from scene_builders import BusStop, add_shot, bus_stop

from previz.backends.diffusers import backend as diffusers_backend
from previz.backends.diffusers.backend import DiffusersBackend
from previz.backends.diffusers.calls import over, run_pipeline
from previz.backends.draft.backend import DraftBackend
from previz.core.project import Asset
from previz.core.registry import NodeRegistry
from previz.engine.backend import CancelToken, RenderRequest
from previz.media.images import encode_png


@pytest.fixture
def seen(monkeypatch: pytest.MonkeyPatch) -> dict[str, list[Any]]:
    """Every pipeline call's arguments, and every request the diffusers backend was given."""
    found: dict[str, list[Any]] = {"calls": [], "requests": []}

    def spy(pipe: Any, arguments: dict[str, Any], *rest: Any) -> np.ndarray:
        found["calls"].append(arguments)
        return run_pipeline(pipe, arguments, *rest)

    generate = DiffusersBackend.generate

    def asked(self: DiffusersBackend, request: RenderRequest, *rest: Any) -> Any:
        found["requests"].append(request)
        return generate(self, request, *rest)

    monkeypatch.setattr(diffusers_backend, "run_pipeline", spy)
    monkeypatch.setattr(DiffusersBackend, "generate", asked)
    return found


def reference(stop: BusStop, name: str, rgb: np.ndarray) -> np.ndarray:
    """Give the character called ``name`` one reference image (a project asset)."""
    asset = Asset.from_bytes(encode_png(rgb), f"{name}.png", "png")
    if asset.sha256 not in stop.project.assets:
        stop.project.add_asset(asset)
    character = next(c for c in stop.project.cast.values() if c.name == name)
    stop.project.put_character(replace(character, references=(asset.sha256,)))
    return rgb


def scene_studio(registry: NodeRegistry, backend: DiffusersBackend, tmp_path: Path,
                 model: str) -> tuple[ModelStudio, BusStop, Any]:
    studio = ModelStudio(registry, backend, tmp_path / "store")
    stop = bus_stop(registry)
    studio.project = stop.project
    shot = add_shot(registry, stop, width=64, height=64, fps="16", duration=0.5, subject="Ben",
                    scene_in=2.0, backend="diffusers", model=model, steps=2, lens=24.0,
                    shot_size="full")
    return studio, stop, shot


def test_a_vace_shot_gets_the_references_and_the_blocking_as_control(
        registry: NodeRegistry, shared_backend: DiffusersBackend, tmp_path: Path,
        seen: dict[str, list[Any]]) -> None:
    studio, stop, shot = scene_studio(registry, shared_backend, tmp_path, "wan-vace-tiny")
    ada = reference(stop, "Ada", solid(200, 40, 40))
    ben = reference(stop, "Ben", solid(40, 40, 200))
    result = studio.render(shot)
    assert result.ok, result.failed
    clip, call, request = result.outputs[shot.id], seen["calls"][-1], seen["requests"][-1]

    assert "Ada: a nurse in a red coat." in call["prompt"]
    assert "Ben: a tall man in a grey suit." in call["prompt"]
    # identity references: the framed character (Ben) first
    references = [np.asarray(image) for image in call["reference_images"]]
    assert len(references) == 2
    assert np.array_equal(references[0], ben) and np.array_equal(references[1], ada)
    assert clip.provenance["render"]["identity"] == (
        "2 reference image(s) of Ben, Ada as the model's reference images")
    # the control video is the draft's depth render of the scene's blocking from the shot's
    # camera, in scene time, with the people's OpenPose skeletons drawn over it
    def draft(mode: str) -> list[np.ndarray]:
        asked = RenderRequest(prompt="", width=64, height=64,
                              frame_count=request.camera.frame_count, fps=request.fps, seed=0,
                              camera=request.camera, subjects=request.subjects, mode=mode,
                              scene=request.scene, scene_time=request.scene_time)
        return list(DraftBackend().generate(asked, lambda index, total: None, CancelToken()))

    depth, pose = draft("depth"), draft("pose")
    video = [np.asarray(frame) for frame in call["video"]]
    assert len(video) == len(depth) == 9
    assert all(np.array_equal(got, over(skeletons, plain))
               for got, plain, skeletons in zip(video, depth, pose, strict=True))
    assert video[0].std() > 5  # figures and set in depth, not a blank frame
    drawn = pose[0].any(axis=2)
    assert drawn.sum() > 20  # Ben's and Ada's skeletons are in the frame...
    assert np.array_equal(video[0][drawn], pose[0][drawn])  # ...and over the depth
    assert request.scene_time == 2.0 and clip.provenance["render"]["camera"] == (
        "control video (depth+pose)")

    # another reference image for Ada: a new key, and other pictures
    before = studio.frames(clip)
    reference(stop, "Ada", solid(30, 200, 60))
    again = studio.render(shot)
    assert again.ok, again.failed
    assert again.outputs[shot.id].key != clip.key
    # Same seed, same everything but Ada's reference: the frames are bit-identical unless the
    # reference reaches the model. (The tiny random VACE hardly looks at its references: the
    # change is a few levels in a few pixels; a trained one takes the look from them.)
    assert not np.array_equal(studio.frames(again.outputs[shot.id]), before)


def test_a_change_to_the_drafts_control_renders_re_keys_model_shots(
        registry: NodeRegistry, shared_backend: DiffusersBackend, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A model shot follows the draft's depth and pose renders of its blocking: when those
    change, its stored clip is no longer what it would render, so its key changes. A change
    to the draft's preview alone (its labels) leaves model shots' keys as they were."""
    studio, _, shot = scene_studio(registry, shared_backend, tmp_path, "wan-vace-tiny")
    keys = studio.plan(shot).nodes[shot.id].keys
    monkeypatch.setattr(DraftBackend, "version", DraftBackend.version + "-labels")
    assert studio.plan(shot).nodes[shot.id].keys == keys
    monkeypatch.setattr(DraftBackend, "control_version", DraftBackend.control_version + "-pose")
    assert studio.plan(shot).nodes[shot.id].keys != keys


def test_an_image_only_model_starts_on_the_framed_characters_reference(
        registry: NodeRegistry, shared_backend: DiffusersBackend, tmp_path: Path,
        seen: dict[str, list[Any]]) -> None:
    studio, stop, shot = scene_studio(registry, shared_backend, tmp_path, "wan-i2v-tiny")
    reference(stop, "Ada", solid(200, 40, 40))
    ben = reference(stop, "Ben", solid(40, 40, 200))
    result = studio.render(shot)
    assert result.ok, result.failed
    started_on = np.asarray(seen["calls"][-1]["image"])
    assert np.array_equal(started_on, ben)
    assert result.outputs[shot.id].provenance["render"]["identity"].startswith(
        "Ben's reference image as the first frame")


def test_a_text_only_model_is_told_in_words(registry: NodeRegistry,
                                            shared_backend: DiffusersBackend, tmp_path: Path,
                                            seen: dict[str, list[Any]]) -> None:
    studio, stop, shot = scene_studio(registry, shared_backend, tmp_path, "wan-t2v-tiny")
    reference(stop, "Ben", solid(40, 40, 200))
    result = studio.render(shot)
    assert result.ok, result.failed
    assert "Ben: a tall man in a grey suit." in seen["calls"][-1]["prompt"]
    assert result.outputs[shot.id].provenance["render"]["identity"] == (
        "not given to the model: Wan text-to-video takes no reference images; the prompt"
        " describes Ben")
