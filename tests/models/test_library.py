"""The model library: families found from configs, broken folders named, fingerprints."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from models.conftest import TinyLibrary

from previz.backends.diffusers.library import ModelLibrary

EVERYTHING = {"text_to_video", "first_frame", "last_frame", "keyframes", "extend",
              "control_video", "reference_images"}


def test_every_family_is_found_with_its_capabilities(tiny: TinyLibrary) -> None:
    found = {info.id: info for info in (m.info() for m in tiny.library().models())}
    assert {name: (info.family, info.capabilities, info.loads) for name, info in found.items()} == {
        "wan-t2v-tiny": ("wan-t2v", {"text_to_video"}, True),
        "wan-a14b-tiny": ("wan-t2v", {"text_to_video"}, True),
        "wan-i2v-tiny": ("wan-i2v", {"first_frame", "extend"}, True),
        "wan-flf2v-tiny": ("wan-flf2v", {"first_frame", "last_frame"}, True),
        "wan-vace-tiny": ("wan-vace", EVERYTHING, True),
        "ltx-tiny": ("ltx", EVERYTHING - {"control_video", "reference_images"}, True),
        "wan-broken": ("wan-t2v", frozenset(), False),
        "wan-single": ("wan-t2v", {"text_to_video"}, True),
        "wan-ti2v-tiny": ("wan-ti2v", {"text_to_video", "first_frame", "extend"}, True),
    }
    assert found["wan-broken"].note == "missing vae/diffusion_pytorch_model.safetensors"
    assert "boundary 0.875" in found["wan-a14b-tiny"].note
    assert found["wan-single"].note == "tiny Wan T2V; text encoder and VAE from wan-t2v-tiny"


@pytest.fixture
def copy(tiny: TinyLibrary, tmp_path: Path) -> Path:
    """A copy of the tiny T2V folder to break."""
    return Path(shutil.copytree(tiny.folders["wan-t2v-tiny"], tmp_path / "models" / "copy"))


def problem(folder: Path) -> str:
    (model,) = ModelLibrary([folder.parent]).models()
    return model.problem


def test_a_missing_component_folder(copy: Path) -> None:
    shutil.rmtree(copy / "tokenizer")
    assert problem(copy) == "missing folder tokenizer/"


def test_pickle_weights_are_refused(copy: Path) -> None:
    weights = copy / "text_encoder" / "model.safetensors"
    weights.rename(weights.with_name("pytorch_model.bin"))
    assert problem(copy) == ("text_encoder/ has only pickle weights (pytorch_model.bin);"
                             " Previz loads safetensors only")


def test_a_truncated_download_is_caught_without_reading_it(copy: Path) -> None:
    weights = copy / "transformer" / "diffusion_pytorch_model.safetensors"
    weights.write_bytes(weights.read_bytes()[:-100])
    assert problem(copy).startswith("transformer/diffusion_pytorch_model.safetensors is"
                                    " truncated")


def test_a_missing_shard(copy: Path) -> None:
    index = {"metadata": {}, "weight_map": {"a": "model-00001-of-00002.safetensors",
                                            "b": "model-00002-of-00002.safetensors"}}
    (copy / "text_encoder" / "model.safetensors").rename(
        copy / "text_encoder" / "model-00001-of-00002.safetensors")
    (copy / "text_encoder" / "model.safetensors.index.json").write_text(json.dumps(index))
    assert problem(copy) == ("missing text_encoder/model-00002-of-00002.safetensors (listed in"
                             " model.safetensors.index.json)")


def test_an_unknown_pipeline(copy: Path) -> None:
    index = json.loads((copy / "model_index.json").read_text())
    (copy / "model_index.json").write_text(json.dumps({**index, "_class_name": "FluxPipeline"}))
    assert problem(copy).startswith("pipeline FluxPipeline is not a family Previz renders with")


def test_fingerprints_follow_configs_and_weight_sizes_only(copy: Path) -> None:
    def fingerprint() -> str:
        return ModelLibrary([copy.parent]).models()[0].fingerprint

    first = fingerprint()
    (copy / "README.md").write_text("notes")
    assert fingerprint() == first
    config = copy / "scheduler" / "scheduler_config.json"
    config.write_text(config.read_text().replace("3.0", "5.0"))
    changed = fingerprint()
    assert changed != first
    weights = copy / "vae" / "diffusion_pytorch_model.safetensors"
    weights.write_bytes(weights.read_bytes() + b"\0")
    assert fingerprint() != changed


def test_single_files_need_a_base_and_a_known_shape(tiny: TinyLibrary, tmp_path: Path) -> None:
    alone = tmp_path / "alone"
    alone.mkdir()
    shutil.copy(tiny.root / "wan-single.safetensors", alone / "orphan.safetensors")
    (alone / "noise.safetensors").write_bytes(b"\x08\0\0\0\0\0\0\0{}      ")
    models = {m.id: m for m in ModelLibrary([alone], configs=tiny.configs).models()}
    assert models["orphan"].problem.startswith("a single-file Wan text-to-video transformer"
                                               " needs a diffusers-format folder")
    assert models["noise"].problem == ("noise.safetensors is not a Wan or LTX-Video transformer"
                                       " checkpoint")
    packaged = ModelLibrary([alone]).models()  # the real sizes' configs do not fit a tiny one
    assert "no family config in Previz fits this wan-t2v transformer (24 wide" in next(
        m.problem for m in packaged if m.id == "orphan")


def test_the_packaged_configs_describe_the_real_models() -> None:
    from previz.backends.diffusers.single_file import packaged_configs

    sizes = {c.name: (c.family.id, c.transformer["num_layers"]) for c in packaged_configs()}
    assert sizes == {"ltx-video-0.9": ("ltx", 28), "ltx-video-0.9.7-13b": ("ltx", 48),
                     "wan2.1-flf2v-14b": ("wan-flf2v", 40),
                     "wan2.1-i2v-14b": ("wan-i2v", 40), "wan2.1-t2v-1.3b": ("wan-t2v", 30),
                     "wan2.1-t2v-14b": ("wan-t2v", 40), "wan2.1-vace-1.3b": ("wan-vace", 30),
                     "wan2.1-vace-14b": ("wan-vace", 40), "wan2.2-i2v-a14b": ("wan-i2v-fl", 40),
                     "wan2.2-t2v-a14b": ("wan-t2v", 40)}
