"""``previz models``, ``previz doctor``, and the promise that the draft path never loads torch."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from models.conftest import TinyLibrary
from models.fake_hub import serving
from project_builders import entry, link, make_node

from previz import cli
from previz.backends.diffusers.doctor import doctor, judge
from previz.backends.draft.backend import DraftBackend
from previz.core.project import Project
from previz.core.registry import NodeRegistry
from previz.engine.backend import BackendSet
from previz.engine.session import EngineSession, load_backends
from previz.io import load_project, save_project
from previz.settings import Settings

CPU = {"python": "3.11", "torch": "2.13.0+cpu", "cuda": False, "mps": False,
       "diffusers": "0.42.1", "transformers": "5.23.0", "pipelines": []}
GPU = {**CPU, "torch": "2.13.0+cu128", "cuda": True, "device": "NVIDIA H100",
       "memory_gb": 79.2, "cuda_version": "12.8"}


def clean_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    """The environment of a fresh user: no settings file, no offline switch of ours."""
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("HF_", "TRANSFORMERS_", "DIFFUSERS_", "PREVIZ_"))}
    return {**env, "XDG_CONFIG_HOME": str(tmp_path / "config"),
            "XDG_DATA_HOME": str(tmp_path / "data"), "PREVIZ_CACHE": str(tmp_path / "cache"),
            **extra}


DRAFT_RUN = """
import json, sys
from previz import cli
from previz.engine.session import EngineSession
code = cli.main(["render", sys.argv[1]])
listed = [model.id for model in EngineSession.open().backends.get("diffusers").available_models()]
cli.main(["models", "list"])
stack = ("torch", "diffusers", "transformers", "huggingface_hub")
print(json.dumps({"code": code, "models": listed,
                  "imported": [name for name in stack if name in sys.modules]}))
"""


def test_opening_and_rendering_on_the_draft_imports_no_model_stack(
        tiny: TinyLibrary, registry: NodeRegistry, tmp_path: Path) -> None:
    project = Project()
    prompt = make_node(registry, "previz.prompt", text="a lighthouse at dusk")
    shot = make_node(registry, "previz.shot", width=64, height=64, duration=0.25)
    for node in (prompt, shot):
        project.add_node(node)
    project.add_link(link(prompt, "prompt", shot, "prompt"))
    project.insert_entry(0, entry(shot))
    save_project(project, tmp_path / "draft.previz")
    done = subprocess.run([sys.executable, "-c", DRAFT_RUN, str(tmp_path / "draft.previz")],
                          capture_output=True, text=True, timeout=120, check=False,
                          env=clean_env(tmp_path, PREVIZ_MODELS=str(tiny.root)))
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert report["code"] == 0, done.stderr
    assert "wan-vace-tiny" in report["models"]  # the library was scanned
    assert report["imported"] == []


def services(settings: Settings, registry: NodeRegistry, tmp_path: Path) -> EngineSession:
    return EngineSession(registry, BackendSet(), settings, tmp_path / "settings.json")


def test_models_list(tiny: TinyLibrary, registry: NodeRegistry, tmp_path: Path,
                     capsys: pytest.CaptureFixture[str]) -> None:
    settings = Settings(models_dir=tiny.root)
    assert cli.main(["models", "list"], services(settings, registry, tmp_path)) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == f"model library: {tiny.root}"
    assert lines[1].split() == ["MODEL", "FAMILY", "VARIANT", "CAN", "SIZE", "LOADS"]
    vace = next(line for line in lines if line.startswith("wan-vace-tiny"))
    assert "text,first,last,keyframes,extend,control,references" in vace
    assert vace.endswith("  yes")
    broken = next(line for line in lines if line.startswith("wan-broken"))
    assert broken.endswith("no: missing vae/diffusion_pytorch_model.safetensors")


def test_models_scan_adds_a_folder(tiny: TinyLibrary, registry: NodeRegistry, tmp_path: Path,
                                   capsys: pytest.CaptureFixture[str]) -> None:
    settings = Settings(models_dir=tmp_path / "empty")
    empty = tmp_path / "nothing"
    empty.mkdir()
    assert cli.main(["models", "scan", str(empty)], services(settings, registry, tmp_path)) == 1
    assert cli.main(["models", "scan", str(tiny.root)],
                    services(settings, registry, tmp_path)) == 0
    # 7 of 9: the broken folder, and the tiny single file fits no family config in the package
    assert f"added {tiny.root} to the model library: 9 models, 7 load" in capsys.readouterr().out
    saved = Settings.load(tmp_path / "settings.json", environ={})
    assert saved.model_dirs == [str(tiny.root)]
    diffusers = BackendSet(load_backends(saved).backends).get("diffusers")
    assert "wan-vace-tiny" in {model.id for model in diffusers.available_models()}


def test_doctor_fails_only_where_a_gpu_was_expected(tiny: TinyLibrary, tmp_path: Path) -> None:
    library = Settings(models_dir=tiny.root)
    expecting = Settings(models_dir=tiny.root, expect_gpu=True)
    assert doctor(library, StringIO(), CPU) == 0  # a laptop: the draft is enough
    out = StringIO()
    assert doctor(expecting, out, CPU) == 1
    assert out.getvalue().splitlines()[-1] == (
        "previz doctor: a GPU was expected (the settings say so (expect_gpu)), but nothing"
        " beyond the draft backend can render: torch 2.13.0+cpu sees no GPU (a CPU-only"
        " build?)")
    assert doctor(expecting, StringIO(), GPU) == 0
    empty = Settings(models_dir=tmp_path, expect_gpu=True)
    assert doctor(empty, StringIO(), GPU) == 1
    assert judge({"error": "torch is not installed"}, ["m"], "").reason == (
        "torch is not installed")


def test_doctor_as_a_command(tiny: TinyLibrary, tmp_path: Path) -> None:
    previz = Path(sys.executable).with_name("previz")
    done = subprocess.run([str(previz), "doctor"], capture_output=True, text=True, timeout=300,
                          check=False, env=clean_env(tmp_path, PREVIZ_MODELS=str(tiny.root)))
    out = done.stdout
    if "\nGPU expected: no\n" in out:
        assert done.returncode == 0, out + done.stderr
    else:  # a GPU machine: fine exactly when torch sees the GPU and a model loads
        assert done.returncode == (0 if "renders with: draft, and diffusers" in out else 1)
    assert out.startswith("Python 3.")
    assert "\ntorch 2." in out and "ffmpeg: " in out
    assert "  wan-broken  wan-t2v  does not load: missing vae/" in out


def test_models_pull_fetches_safetensors_and_configs_only(tiny: TinyLibrary,
                                                          tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    shutil.copytree(tiny.folders["wan-t2v-tiny"], repo)
    (repo / "vae" / "diffusion_pytorch_model.bin").write_bytes(b"pickle, never fetched")
    (repo / "README.md").write_text("a model card")
    shutil.copy(tiny.root / "wan-single.safetensors", repo / "whole-checkpoint.safetensors")
    served: list[str] = []
    previz = Path(sys.executable).with_name("previz")
    with serving("tiny/wan-t2v", repo, served) as endpoint:
        env = clean_env(tmp_path, HF_ENDPOINT=endpoint, HF_HOME=str(tmp_path / "hf"),
                        PREVIZ_MODELS=str(tmp_path / "models"))
        done = subprocess.run([str(previz), "models", "pull", "tiny/wan-t2v", "--name", "wan"],
                              capture_output=True, text=True, timeout=300, check=False, env=env)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "wan " in done.stdout and done.stdout.rstrip().endswith("yes")
    pulled = {p.relative_to(tmp_path / "models" / "wan").as_posix()
              for p in (tmp_path / "models" / "wan").rglob("*")
              if p.is_file() and ".cache" not in p.parts}
    expected = {p.relative_to(repo).as_posix() for p in repo.rglob("*") if p.is_file()}
    assert pulled == expected - {"vae/diffusion_pytorch_model.bin", "README.md",
                                 "whole-checkpoint.safetensors"}
    assert sorted(served) == sorted(pulled)


def test_rendering_records_the_models_used_in_the_project(
        tiny: TinyLibrary, registry: NodeRegistry, tmp_path: Path) -> None:
    project = Project()
    prompt = make_node(registry, "previz.prompt", text="a keeper at night")
    shot = make_node(registry, "previz.shot", backend="diffusers", model="wan-t2v-tiny",
                     steps=2, width=64, height=64, duration=0.5)
    for node in (prompt, shot):
        project.add_node(node)
    project.add_link(link(prompt, "prompt", shot, "prompt"))
    project.insert_entry(0, entry(shot))
    path = tmp_path / "scene.previz"
    save_project(project, path)
    backend = tiny.backend()
    wired = EngineSession(registry, BackendSet([DraftBackend(), backend]),
                         Settings(cache_dir=tmp_path / "cache"))
    assert cli.main(["render", str(path)], wired) == 0
    fingerprint = backend.library.get("wan-t2v-tiny").fingerprint
    assert load_project(path, registry=registry).models == {"wan-t2v-tiny": fingerprint}
