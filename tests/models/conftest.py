"""The model tier: tiny random-weight models of every family in a session-wide model library,
rendered on the CPU with the network blocked."""

from __future__ import annotations

import socket
from dataclasses import dataclass
from pathlib import Path

import pytest
import torch
from models.studio import ModelStudio
from models.tiny_pipelines import build_library, single_file_checkpoint

from previz.backends.diffusers.backend import DiffusersBackend
from previz.backends.diffusers.library import ModelLibrary
from previz.core.registry import NodeRegistry
from previz.settings import Settings


@dataclass(frozen=True)
class TinyLibrary:
    """The model library folder, the family configs the single-file model needs, and each
    model's folder by id."""

    root: Path
    configs: Path
    folders: dict[str, Path]

    def library(self) -> ModelLibrary:
        """A fresh view of the library (its configs include the tiny single-file family)."""
        return ModelLibrary([self.root], configs=self.configs)

    def backend(self, **settings: object) -> DiffusersBackend:
        """A diffusers backend on this library with some settings changed."""
        return DiffusersBackend(Settings(models_dir=self.root, **settings),  # type: ignore[arg-type]
                                library=self.library())


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any attempt to reach the network fails the test."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise RuntimeError(f"network access attempted: {args!r}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


@pytest.fixture(scope="session")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> TinyLibrary:
    """Tiny models of every family (and a broken one, and a single-file checkpoint). On CUDA,
    cuDNN is held to deterministic kernels so that same-seed renders compare bit for bit."""
    torch.backends.cudnn.deterministic = True
    torch.backends.cudnn.benchmark = False
    base = tmp_path_factory.mktemp("library")
    root, configs = base / "models", base / "configs"
    folders = build_library(root)
    single_file_checkpoint(folders["wan-t2v-tiny"], root / "wan-single.safetensors", configs)
    return TinyLibrary(root, configs, folders)


@pytest.fixture(scope="session")
def shared_backend(tiny: TinyLibrary) -> DiffusersBackend:
    """One backend for the tier, so pipelines stay warm between tests of the same model."""
    return tiny.backend()


@pytest.fixture
def studio(registry: NodeRegistry, shared_backend: DiffusersBackend,
           tmp_path: Path) -> ModelStudio:
    """A fresh project and clip store rendering with the shared backend."""
    return ModelStudio(registry, shared_backend, tmp_path / "store")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """diffusers' own deprecation noise (numpy 2 copy semantics in its schedulers) is not ours."""
    for item in items:
        if "tests/models" in str(item.path).replace("\\", "/"):
            item.add_marker(pytest.mark.filterwarnings("ignore::DeprecationWarning:diffusers"))
