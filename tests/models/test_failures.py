"""What goes wrong, said clearly, while the rest of the graph renders: a model that cannot do
what a node asks, a broken or missing model, cancellation, running out of memory."""

from __future__ import annotations

from typing import Any

import pytest
import torch
from models.conftest import TinyLibrary
from models.studio import ModelStudio, solid

from previz.backends.diffusers import loader
from previz.backends.draft.backend import DraftBackend
from previz.core.registry import NodeRegistry
from previz.engine.backend import BackendSet, CancelToken
from previz.engine.events import CancelledEvent, RenderEvent, Step


def test_keyframes_on_a_text_model_name_a_model_that_can(studio: ModelStudio) -> None:
    shot = studio.shot("wan-t2v-tiny")
    studio.wire(studio.image(solid(200, 0, 0), "keyframe", time=0.25), shot, "conditioning")
    other = studio.shot("wan-t2v-tiny", name="fine")
    result = studio.render(shot, other)
    message = result.failed[shot.id]
    assert message.startswith("wan-t2v-tiny (Wan text-to-video) cannot pass through keyframes:")
    assert "use ltx-tiny, which can" in message
    assert other.id in result.outputs  # the other shot rendered


def test_a_model_that_starts_from_an_image_asks_for_one(studio: ModelStudio) -> None:
    result = studio.render(shot := studio.shot("wan-i2v-tiny"))
    assert result.failed[shot.id] == ("wan-i2v-tiny (Wan image-to-video) needs a first-frame"
                                      " image: connect a first-frame image, or use ltx-tiny")


def test_a_broken_folder_names_its_missing_file(studio: ModelStudio) -> None:
    broken, fine = studio.shot("wan-broken"), studio.shot("ltx-tiny")
    result = studio.render(broken, fine)
    assert result.failed[broken.id] == (
        "model wan-broken does not load: missing vae/diffusion_pytorch_model.safetensors")
    assert fine.id in result.outputs


def test_a_missing_model_is_a_problem_before_rendering(studio: ModelStudio) -> None:
    shot = studio.shot("wan-t2v-14b")
    problems = [str(problem) for problem in studio.plan(shot).problems]
    assert len(problems) == 1
    assert "model 'wan-t2v-14b' is not in the diffusers model library" in problems[0]


def test_a_model_gone_since_compiling_fails_only_its_shot(studio: ModelStudio,
                                                         tiny: TinyLibrary) -> None:
    gone, fine = studio.shot("wan-t2v-tiny"), studio.shot("ltx-tiny")
    plan = studio.plan(gone, fine)
    narrower = tiny.backend()
    narrower.library.folders = [tiny.folders["ltx-tiny"]]  # wan-t2v-tiny was deleted
    studio.backends = BackendSet([DraftBackend(), narrower])
    result = studio.run(plan)
    assert result.failed[gone.id].startswith("model 'wan-t2v-tiny' is not in the model library")
    assert fine.id in result.outputs


def test_cancelling_stops_within_one_step_and_stores_nothing(studio: ModelStudio) -> None:
    shot = studio.shot("wan-t2v-tiny", steps=8)
    token = CancelToken()
    events: list[RenderEvent] = []

    def listen(event: RenderEvent) -> None:
        events.append(event)
        if isinstance(event, Step) and event.index == 2:
            token.cancel()

    key = studio.plan(shot).nodes[shot.id].key
    result = studio.render(shot, listeners=[listen], cancel=token)
    steps = [event.index for event in events if isinstance(event, Step)]
    assert shot.id in result.cancelled
    assert any(isinstance(event, CancelledEvent) for event in events)
    assert max(steps) <= 3  # of 8; asked at step 2: at most the step under way finishes
    assert not studio.store.has(key)


def test_cancelling_inside_a_step_raises_before_the_next(tiny: TinyLibrary) -> None:
    backend = tiny.backend()
    from fractions import Fraction

    from previz.engine.backend import Cancelled, RenderRequest

    request = RenderRequest(prompt="a cat", width=64, height=64, frame_count=9,
                            fps=Fraction(16), seed=0, steps=6, model="wan-t2v-tiny")
    token, seen = CancelToken(), []

    def progress(index: int, total: int) -> None:
        seen.append(index)
        token.cancel()

    with pytest.raises(Cancelled):
        list(backend.generate(request, progress, token))
    assert seen == [1]
    assert backend.warm_model() == "wan-t2v-tiny"  # the pipeline stays usable


def test_out_of_memory_is_a_node_error_with_advice(tiny: TinyLibrary, registry: NodeRegistry,
                                                  tmp_path: Any,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    backend = tiny.backend()
    studio = ModelStudio(registry, backend, tmp_path)
    from diffusers import WanTransformer3DModel

    def exhausted(*args: object, **kwargs: object) -> None:
        raise torch.OutOfMemoryError("CUDA out of memory. Tried to allocate 20.00 GiB")

    monkeypatch.setattr(WanTransformer3DModel, "forward", exhausted)
    big, fine = studio.shot("wan-t2v-tiny"), studio.shot("ltx-tiny")
    draft = studio.node("previz.shot", name="draft")
    studio.wire(studio.prompt(), draft, "prompt")
    result = studio.render(big, fine, draft)
    message = result.failed[big.id]
    assert message.startswith("out of memory rendering 9 frames at 64x64 with wan-t2v-tiny:")
    assert "lower the resolution" in message and "offload" in message
    assert fine.id in result.outputs and draft.id in result.outputs


def test_a_pipeline_stays_warm_until_another_model_renders(
        tiny: TinyLibrary, registry: NodeRegistry, tmp_path: Any,
        monkeypatch: pytest.MonkeyPatch) -> None:
    loads: list[str] = []
    real = loader.load_pipeline

    def counting(model: Any, policy: Any, *rest: Any) -> Any:
        loads.append(model.id)
        return real(model, policy, *rest)

    monkeypatch.setattr(loader, "load_pipeline", counting)
    studio = ModelStudio(registry, tiny.backend(), tmp_path)
    for model, seed in (("wan-t2v-tiny", 1), ("wan-t2v-tiny", 2), ("ltx-tiny", 1),
                        ("wan-t2v-tiny", 3)):
        studio.rendered(studio.shot(model, seed=seed))
    assert loads == ["wan-t2v-tiny", "ltx-tiny", "wan-t2v-tiny"]
    assert studio.backend.warm_model() == "wan-t2v-tiny"
