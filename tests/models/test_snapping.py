"""Frame counts and sizes snap to each family's rules, and the Shot node says so."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from models.conftest import TinyLibrary
from models.studio import ModelStudio

from previz.backends.diffusers.backend import DiffusersBackend
from previz.core.registry import NodeRegistry
from previz.engine.backend import CancelToken, Progress, RenderRequest

WAN_NOTES = ["81 frames, not 80: this model renders 4k+1",
             "848x480, not 850x480: sizes are multiples of 16"]
LTX_NOTES = ["rendered at the model's 24 fps and retimed to 16",
             "864x480, not 850x480: sizes are multiples of 32"]


class Blank(DiffusersBackend):
    """The model backend's rules, with black frames instead of a render (480p is too much
    for a test of the node's arithmetic)."""

    def generate(self, request: RenderRequest, progress: Progress,
                 cancel: CancelToken) -> Iterator[np.ndarray]:
        self.resolve(request)
        for _ in range(request.frame_count):
            yield np.zeros((request.height, request.width, 3), np.uint8)


@pytest.mark.parametrize(("model", "expected"), [
    ("wan-t2v-tiny", ((848, 480), WAN_NOTES, 81)), ("wan-vace-tiny", ((848, 480), WAN_NOTES, 81)),
    ("ltx-tiny", ((864, 480), LTX_NOTES, 80)),  # retimed from LTX's 24 fps: the count stays
])
def test_80_frames_at_850x480(tiny: TinyLibrary, registry: NodeRegistry, tmp_path: Path,
                              model: str, expected: tuple[tuple[int, int], list[str], int]) -> None:
    size, notes, count = expected
    backend = Blank(tiny.backend().settings, library=tiny.library())
    snapped = backend.constraints(model).snap(80, 850, 480)
    assert (snapped.frames, snapped.width, snapped.height) == (81, *size)
    studio = ModelStudio(registry, backend, tmp_path)
    shot = studio.shot(model, duration=5.0, width=850, height=480)  # 80 frames at 16 fps
    result = studio.render(shot)
    assert result.ok, result.failed
    clip = result.outputs[shot.id]
    assert (clip.frame_count, clip.width, clip.height) == (count, *size)
    assert clip.provenance["snapped"] == notes
    assert clip.provenance["requested_frames"] == 80  # the timeline plays 80
