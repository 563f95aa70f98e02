"""The backend protocol: constraints snap a request to what a model renders, and say so."""

from __future__ import annotations

from engine_pack import FakeBackend

from previz.engine.backend import Backend, BackendSet, Constraints


def test_wan_snaps_80_frames_at_850x480_to_81_at_848x480() -> None:
    snapped = Constraints(frame_multiple=4, size_multiple=16).snap(80, 850, 480)
    assert (snapped.frames, snapped.width, snapped.height) == (81, 848, 480)
    assert snapped.notes == ("81 frames, not 80: this model renders 4k+1",
                             "848x480, not 850x480: sizes are multiples of 16")


def test_ltx_snaps_80_frames_at_850x480_to_81_at_864x480() -> None:
    snapped = Constraints(frame_multiple=8, size_multiple=32).snap(80, 850, 480)
    assert (snapped.frames, snapped.width, snapped.height) == (81, 864, 480)
    assert snapped.notes == ("81 frames, not 80: this model renders 8k+1",
                             "864x480, not 850x480: sizes are multiples of 32")


def test_a_legal_request_is_left_alone_and_ties_round_up() -> None:
    assert Constraints(4, 16).snap(81, 848, 480).notes == ()
    assert Constraints(4, 16).snap(81, 856, 480).width == 864  # 856 is halfway: up


def test_a_backend_set_lists_its_models_for_the_compiler() -> None:
    backend = FakeBackend()
    assert isinstance(backend, Backend)
    info = BackendSet([backend]).catalog().get("fake")
    assert info is not None and info.version == "1.0"
    assert info.models["tiny"].fingerprint == "fp-tiny"
