"""Preview quality: a distilled model of the same family where the library has one, else the
step cache; final renders the model's full steps; the two are keyed apart."""

from __future__ import annotations

import shutil
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from models.conftest import TinyLibrary

from previz.backends.diffusers import backend as diffusers_backend
from previz.backends.diffusers.calls import run_pipeline
from previz.backends.diffusers.library import ModelLibrary
from previz.engine.backend import CancelToken, RenderRequest
from previz.settings import Settings


def request(model: str, fps: int = 16, steps: int = 30) -> RenderRequest:
    return RenderRequest(prompt="a dog runs", width=64, height=64, frame_count=9,
                         fps=Fraction(fps), seed=0, steps=steps, model=model)


def test_preview_and_final_are_keyed_apart(tiny: TinyLibrary) -> None:
    assert tiny.backend(quality="preview").version != tiny.backend().version


def test_a_preview_without_a_distilled_model_uses_the_step_cache(tiny: TinyLibrary) -> None:
    backend = tiny.backend(quality="preview")
    asked = request("wan-t2v-tiny", steps=2)
    frames = list(backend.generate(asked, lambda index, total: None, CancelToken()))
    assert len(frames) == 9
    assert backend.policy().step_cache == 0.1
    assert backend.warm_pipeline().transformer.is_cache_enabled
    assert backend.describe(asked)["quality"].startswith("preview with the step cache (0.1)")
    assert tiny.backend().policy().step_cache == 0.0  # final: every step computed


def test_a_preview_renders_with_the_distilled_model(tiny: TinyLibrary, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """LTX-Video's distilled checkpoint renders the preview in 8 steps at guidance 1 (a copy
    of the tiny LTX stands in for it: what is checked is the choice and the call)."""
    root = tmp_path / "models"
    shutil.copytree(tiny.folders["ltx-tiny"], root / "ltx-tiny")
    shutil.copytree(tiny.folders["ltx-tiny"], root / "ltx-tiny-distilled")
    calls: list[dict[str, Any]] = []

    def spy(pipe: Any, arguments: dict[str, Any], *rest: Any) -> np.ndarray:
        calls.append(arguments)
        return run_pipeline(pipe, arguments, *rest)

    monkeypatch.setattr(diffusers_backend, "run_pipeline", spy)
    backend = diffusers_backend.DiffusersBackend(
        Settings(models_dir=root, quality="preview"), library=ModelLibrary([root]))
    asked = request("ltx-tiny", fps=24)
    assert len(list(backend.generate(asked, lambda index, total: None, CancelToken()))) == 9
    assert (calls[0]["num_inference_steps"], calls[0]["guidance_scale"]) == (8, 1.0)
    assert backend.warm_model() == "ltx-tiny-distilled"
    record = backend.describe(asked)
    assert record["rendered_by"] == "ltx-tiny-distilled"
    assert record["quality"] == ("preview with the distilled ltx-tiny-distilled, at most 8"
                                 " steps, guidance 1")
