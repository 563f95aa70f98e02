"""The config folders Previz packages for single-file checkpoints are the published files: each
says which repository and revision every file was copied from, or where each value came from
where no verbatim copy was found; a byte count recorded with a copy is the file's own."""

from __future__ import annotations

import json
import struct
from pathlib import Path

import pytest

from previz.backends.diffusers.single_file import (
    PACKAGED_CONFIGS,
    matching_config,
    packaged_configs,
    read_shape,
)

FOLDERS = sorted(p for p in PACKAGED_CONFIGS.iterdir() if (p / "previz.json").is_file())


def _about(folder: Path) -> dict:
    return json.loads((folder / "previz.json").read_text())


@pytest.mark.parametrize("folder", FOLDERS, ids=[f.name for f in FOLDERS])
def test_every_packaged_file_says_where_it_came_from(folder: Path) -> None:
    published = _about(folder)["published"]
    assert "/" in published["repository"]
    files = {p.relative_to(folder).as_posix() for p in folder.rglob("*.json")} - {"previz.json"}
    assert files <= set(published["files"]), f"{folder.name}: {files - set(published['files'])}"
    for name, record in published["files"].items():
        if record["copy"] == "verbatim":
            assert record["found"].startswith("https://"), name
            assert "revision" in record, name
            if record["revision"] is None:  # a mirror that does not name what it copied
                assert "not name" in record["note"], name
        else:
            assert record["copy"] == "values", name
            assert len(record["values_from"]) > 40, name
        if "bytes" in record:  # the size the published listing gives for the file
            assert (folder / name).stat().st_size == record["bytes"], name


def test_the_copies_are_the_published_files() -> None:
    """The published files carry the diffusers version that wrote them: a config rebuilt from
    a class's defaults would not."""
    versions = {}
    for folder in FOLDERS:
        for name, record in _about(folder)["published"]["files"].items():
            if record["copy"] == "verbatim":
                versions[f"{folder.name}/{name}"] = json.loads(
                    (folder / name).read_text())["_diffusers_version"]
    assert versions == {
        "ltx-video-0.9/transformer/config.json": "0.32.0.dev0",
        "ltx-video-0.9/scheduler/scheduler_config.json": "0.32.0.dev0",
        "ltx-video-0.9/vae/config.json": "0.32.0.dev0",
        "ltx-video-0.9.7-13b/transformer/config.json": "0.34.0.dev0",
        "wan2.1-t2v-1.3b/transformer/config.json": "0.33.0.dev0",
        "wan2.1-t2v-14b/vae/config.json": "0.33.0.dev0",
        "wan2.1-vace-14b/transformer/config.json": "0.34.0.dev0",
        "wan2.1-vace-14b/scheduler/scheduler_config.json": "0.34.0.dev0",
        "wan2.1-vace-14b/model_index.json": "0.34.0.dev0",
        "wan2.2-t2v-a14b/transformer/config.json": "0.35.0.dev0",
    }


def _sparse_ltx(path: Path, width: int, layers: int) -> Path:
    """An LTX-Video single-file transformer's header (shapes only; no weights are read)."""
    tensors = {"model.diffusion_model.patchify_proj.weight": [width, 128]}
    tensors.update({f"model.diffusion_model.transformer_blocks.{i}.attn1.to_q.weight":
                    [width, width] for i in range(layers)})
    header, offset = {}, 0
    for name, shape in tensors.items():
        size = 2 * shape[0] * shape[1]
        header[name] = {"dtype": "BF16", "shape": shape, "data_offsets": [offset, offset + size]}
        offset += size
    blob = json.dumps(header).encode()
    with path.open("wb") as out:
        out.write(struct.pack("<Q", len(blob)) + blob)
        out.truncate(8 + len(blob) + offset)
    return path


def test_ltx_13b_single_files_find_the_published_13b_config(tmp_path: Path) -> None:
    configs = packaged_configs()
    big = matching_config(read_shape(_sparse_ltx(tmp_path / "ltxv-13b-0.9.7-dev.safetensors",
                                                 4096, 48)), configs)
    assert big.name == "ltx-video-0.9.7-13b"
    assert big.transformer["cross_attention_dim"] == 4096
    small = matching_config(read_shape(_sparse_ltx(tmp_path / "ltx-video-2b-v0.9.safetensors",
                                                   2048, 28)), configs)
    assert small.name == "ltx-video-0.9"
