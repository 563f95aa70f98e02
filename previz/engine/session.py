"""The engine session: one front end's node registry, backends, clip store and executor.

The command line, the desktop app, export, sharing and takes all work through one session;
none builds its own store or executor, and ``compile`` is the one place a plan is compiled.
"""

from __future__ import annotations

import logging
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from importlib.metadata import EntryPoint
from pathlib import Path
from types import TracebackType
from typing import Any

from previz.core.plugins import PluginProblem, load_each
from previz.core.project import Project
from previz.core.registry import NodeRegistry
from previz.engine.backend import Backend, BackendSet, CancelToken
from previz.engine.events import Listener
from previz.engine.executor import Executor, RunResult
from previz.engine.plan import ExecutionPlan, compile_plan
from previz.engine.runner import Runner
from previz.engine.store import ClipStore
from previz.settings import Settings

BACKEND_GROUP = "previz.backends"
log = logging.getLogger(__name__)


@dataclass
class LoadedBackends:
    """The backends that loaded, in entry point order, and the ones skipped."""

    backends: list[Backend] = field(default_factory=list)
    problems: list[PluginProblem] = field(default_factory=list)


def load_backends(settings: Settings, group: str = BACKEND_GROUP) -> LoadedBackends:
    """Every installed backend, each made from ``settings`` by its entry point, the settings'
    default backend first; one that fails to import or to be made is reported and skipped."""
    loaded = LoadedBackends()

    def use(point: EntryPoint, factory: Any) -> None:
        backend = factory(settings)
        backend_id = getattr(backend, "id", None)
        if not isinstance(backend_id, str) or not callable(getattr(backend, "generate", None)):
            raise TypeError(f"{type(backend).__name__} is not a backend (no id or generate)")
        if any(other.id == backend_id for other in loaded.backends):
            raise ValueError(f"backend id {backend_id!r} is taken already")
        loaded.backends.append(backend)

    loaded.problems = load_each(group, "backend", use)
    loaded.backends.sort(key=lambda backend: backend.id != settings.default_backend)
    return loaded


class EngineSession:
    """What one front end renders with: node packs, backends, settings, the clip store and
    the executor (both made on first use), and the plug-ins that failed to load."""

    def __init__(self, registry: NodeRegistry, backends: BackendSet, settings: Settings,
                 settings_file: Path | None = None, *,
                 problems: Sequence[PluginProblem] = (), runner: Runner | None = None) -> None:
        self.registry, self.backends, self.settings = registry, backends, settings
        self.settings_file = settings_file
        self.problems = list(problems)
        self.runner = runner

    @classmethod
    def open(cls, settings: Settings | None = None, settings_file: Path | None = None,
             runner: Runner | None = None) -> EngineSession:
        """A session on every installed node pack and backend and the user's settings
        (``settings`` if given, else read from ``settings_file`` or the default file; a
        ``SettingsError`` says why they cannot be read)."""
        settings = settings or Settings.load(settings_file)
        registry = NodeRegistry()
        registry.load_entry_points()
        loaded = load_backends(settings)
        return cls(registry, BackendSet(loaded.backends), settings, settings_file,
                   problems=[*registry.problems, *loaded.problems], runner=runner)

    @cached_property
    def store(self) -> ClipStore:
        """The clip store the settings name, bounded as they say."""
        settings = self.settings
        return ClipStore(settings.cache_dir, settings.cache_bytes, settings.memory_cache_bytes)

    @cached_property
    def executor(self) -> Executor:
        """The executor rendering into ``store`` with ``backends`` on the session's runner."""
        return Executor(self.store, self.backends, self.runner)

    def compile(self, project: Project, targets: Iterable[str] | None = None, *,
                default_backend: str = "", cached_also: Collection[str] = ()) -> ExecutionPlan:
        """The plan for ``targets`` (default: the timeline), cached takes marked (those in the
        store, and the keys ``cached_also`` names: a bundle's renders not yet imported), shots
        that name no backend given ``default_backend`` (default: the settings')."""
        store = self.store
        return compile_plan(project, targets, registry=self.registry,
                            catalog=self.backends.catalog(),
                            is_cached=lambda key: key in cached_also or store.has(key),
                            default_backend=default_backend or self.settings.default_backend)

    async def run(self, plan: ExecutionPlan, project: Project,
                  listeners: Iterable[Listener] = (),
                  cancel: CancelToken | None = None, *, circled_only: bool = False) -> RunResult:
        """Render ``plan`` (which must have no problems) with the session's executor (only
        each node's circled take with ``circled_only``)."""
        return await self.executor.run(plan, project, listeners, cancel,
                                       circled_only=circled_only)

    def close(self) -> None:
        """Stop the executor's workers once their current jobs end."""
        if "executor" in self.__dict__:
            self.executor.close()

    def __enter__(self) -> EngineSession:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.close()
