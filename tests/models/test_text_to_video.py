"""Text-to-video through the real Shot node and executor: frames, provenance, reproducibility."""

from __future__ import annotations

import numpy as np
from models.studio import SIZE, ModelStudio

from previz.api import describe_moves
from previz.core.values import MoveValue


def test_a_shot_renders_on_wan_and_records_how(studio: ModelStudio) -> None:
    shot = studio.shot("wan-t2v-tiny", seed=7)
    move = studio.node("previz.camera_move", move="dolly", amount=1.0)
    studio.wire(move, shot, "camera")

    result = studio.render(shot)

    assert result.ok, result.failed
    clip = result.outputs[shot.id]
    frames = studio.frames(clip)
    assert frames.shape == (9, SIZE, SIZE, 3) and frames.dtype == np.uint8
    assert frames.std() > 1  # random weights still draw something, not a flat frame
    render = clip.provenance["render"]
    fingerprint = next(m.fingerprint for m in studio.backend.available_models()
                       if m.id == "wan-t2v-tiny")
    policy = studio.backend.policy()  # float32 on this CPU; bfloat16 where CUDA is
    assert render == {**render, "family": "wan-t2v", "model": "wan-t2v-tiny",
                      "model_fingerprint": fingerprint, "dtype": policy.dtype,
                      "vae_dtype": "float32", "device": policy.device, "steps": 2,
                      "guidance": 5.0, "seed": 7, "camera": "prompt"}
    assert clip.provenance["model_fingerprint"] == fingerprint
    assert result.models == {"wan-t2v-tiny": fingerprint}
    words = describe_moves([MoveValue("dolly", 1.0)])
    assert words in clip.provenance["camera_prompt"]
    assert words not in clip.prompt  # the clip keeps the user's prompt; the model heard more


def test_same_seed_same_frames_and_another_seed_differs(studio: ModelStudio) -> None:
    first = studio.rendered(studio.shot("wan-t2v-tiny", seed=3))
    again = studio.rendered(studio.shot("wan-t2v-tiny", seed=3, name="again"))
    other = studio.rendered(studio.shot("wan-t2v-tiny", seed=4))
    assert np.array_equal(first, again)
    assert not np.array_equal(first, other)


def test_two_expert_wan_renders_with_both_experts(studio: ModelStudio) -> None:
    frames = studio.rendered(studio.shot("wan-a14b-tiny"))
    pipe = studio.backend.warm_pipeline()
    assert frames.shape == (9, SIZE, SIZE, 3)
    assert pipe is not None and pipe.transformer_2 is not None
    assert pipe.config.boundary_ratio == 0.875


def test_a_single_file_checkpoint_renders_like_its_folder(studio: ModelStudio) -> None:
    single = studio.rendered(studio.shot("wan-single", seed=1))
    folder = studio.rendered(studio.shot("wan-t2v-tiny", seed=1))
    assert np.array_equal(single, folder)
