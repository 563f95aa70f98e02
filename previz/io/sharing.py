"""Save for Sharing: a .previz that carries its renders, and opening one on another machine.

The sender's file holds every asset and, when chosen, every render the timeline needs
(each take of each clip-making node of the compiled timeline: lossless store entries under
``renders/<key>/``), and the project records the fingerprint of every model it rendered with,
so the recipient's compiler finds the same keys without the model. Opening such a file,
``import_renders`` puts those entries into the recipient's clip store, so the shots play
without a backend; ``missing_models`` says which models are not here (their shots play from
the bundled renders, and can be switched to the draft backend to be changed).
"""

from __future__ import annotations

import dataclasses
import os
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from previz.core.errors import ProjectError
from previz.core.ports import PortType
from previz.core.project import Project
from previz.engine.backend import Catalog
from previz.engine.plan import ExecutionPlan, PlannedNode
from previz.engine.sidecar import (
    FRAMES,
    SIDECAR,
    StoreError,
    check_media,
    check_seal,
    clip_from_sidecar,
    seal_from_sidecar,
    seal_of,
    write_sidecar,
)
from previz.engine.store import ClipStore, lane_of
from previz.io.archive import Archive, LoadLimits, RenderEntry, open_archive
from previz.io.save import save_project
from previz.io.strict_json import parse_json

MAX_SIDECAR_BYTES = 64 << 20
_KEY = re.compile(r"[0-9a-f]{64}")
_FILES = frozenset({SIDECAR, FRAMES})


@dataclass(frozen=True)
class SharingReport:
    """What a shared file holds: the keys of the renders bundled, those the timeline needs
    but the store lacks (they render again on the other side), the models recorded."""

    renders: tuple[str, ...]
    unrendered: tuple[str, ...]
    models: dict[str, str]


@dataclass(frozen=True)
class MissingModel:
    """A model the project renders with that this machine lacks, and the nodes using it;
    ``rendered``: every take of those nodes is in the store, so they play regardless."""

    backend: str
    model: str
    nodes: tuple[str, ...]
    rendered: bool

    def __str__(self) -> str:
        fate = ("they play from their stored renders; switch them to the draft backend to"
                " change them") if self.rendered else "they cannot render here"
        return (f"model {self.model!r} ({self.backend}) is not on this machine, used by"
                f" {', '.join(self.nodes)}: {fate}")


def save_for_sharing(project: Project, path: str | os.PathLike[str], store: ClipStore,
                     plan: ExecutionPlan, *, with_renders: bool = True) -> SharingReport:
    """Save ``project`` to ``path`` with its assets and, if ``with_renders``, every render of
    ``plan`` (the compiled timeline) that is in ``store``; atomic like every save.

    The fingerprint of every model in ``plan`` is recorded in ``project.models`` first.
    """
    models = record_models(project, plan)
    keys = needed_renders(plan) if with_renders else []
    present = [key for key in keys if store.has(key)]
    renders = {key: store.frames_file(key).parent for key in present}
    save_project(project, path, renders=renders)
    return SharingReport(tuple(present), tuple(key for key in keys if key not in renders),
                         models)


def record_models(project: Project, plan: ExecutionPlan) -> dict[str, str]:
    """Record in ``project.models`` the fingerprint of every model ``plan`` renders with."""
    for planned in plan.nodes.values():
        if planned.model and planned.fingerprint:
            project.models[planned.model] = planned.fingerprint
    return dict(project.models)


def needed_renders(plan: ExecutionPlan) -> list[str]:
    """Every take key of every clip-making node of ``plan``: what playing it reads (upstream
    shots too, since the executor looks up every take of every clip it plans)."""
    return list(dict.fromkeys(key for planned in plan.nodes.values() if _makes_clips(planned)
                              for key in planned.keys))


def import_renders(path: str | os.PathLike[str], store: ClipStore, *,
                   limits: LoadLimits | None = None) -> list[str]:
    """Put the renders bundled in the project file at ``path`` into ``store``'s lane for that
    project (``lane_of(path)``); the keys added. They are served only to a store opened in
    that lane, never to another project, count against the store's bound and are evicted
    like any other entry; a take rendered here comes before its shared render.

    ``store`` is put in that lane: opening a project with its renders is what lets them be
    served. Keys already in the store or the lane are skipped. Every render is checked
    before anything is written (key, files, sidecar), and a malformed one refuses the whole
    file with a ``ProjectError``. Each entry is unpacked through the archive's size-limited
    reader into the store's incoming folder, read back against its sidecar, and renamed
    into place when complete, so a failure leaves the entries before it and nothing
    half-written.
    """
    limits = limits or LoadLimits(space_for_renders=_existing_folder(store.root))
    lane = store.lane = lane_of(path)
    with open_archive(path, limits) as archive:
        bundled = _checked_renders(archive)
        if not bundled:
            return []
        added = []
        for key in sorted(bundled):
            final = store.shared_path_of(key, lane)
            if not store.has(key) and _unpack(archive, bundled[key], store, key, final):
                added.append(key)
    store.evict()
    return added


def missing_models(plan: ExecutionPlan, catalog: Catalog,
                   is_cached: Callable[[str], bool]) -> list[MissingModel]:
    """The models ``plan`` renders with that ``catalog`` lacks, each with its nodes."""
    users: dict[tuple[str, str], list[PlannedNode]] = {}
    for planned in plan.nodes.values():
        backend = catalog.get(planned.backend) if planned.backend else None
        if planned.model and (backend is None or planned.model not in backend.models):
            users.setdefault((planned.backend, planned.model), []).append(planned)
    return [MissingModel(backend, model, tuple(planned.label for planned in nodes),
                         all(is_cached(key) for planned in nodes for key in planned.keys))
            for (backend, model), nodes in sorted(users.items())]


def _makes_clips(planned: PlannedNode) -> bool:
    outputs = planned.spec.outputs
    return bool(outputs) and all(port.type is PortType.CLIP for port in outputs)


def _checked_renders(archive: Archive) -> dict[str, dict[str, RenderEntry]]:
    """The bundled renders by key, once every key, file and sidecar has passed its checks."""
    bundled: dict[str, dict[str, RenderEntry]] = {}
    for entry in archive.renders():
        where = archive.where(entry.name)
        if not _KEY.fullmatch(entry.key):
            raise ProjectError("a render folder not named by a take key", where)
        if entry.file not in _FILES:
            raise ProjectError(f"a render holds {SIDECAR} and {FRAMES} only", where)
        bundled.setdefault(entry.key, {})[entry.file] = entry
    for key, files in bundled.items():
        if set(files) != _FILES:
            raise ProjectError(f"a render needs both {SIDECAR} and {FRAMES}",
                               archive.where(f"renders/{key}/"))
        _check_sidecar(archive, key, files[SIDECAR])
    return bundled


def _check_sidecar(archive: Archive, key: str, entry: RenderEntry) -> None:
    info = archive.entry(entry.name)
    assert info is not None  # listed by the archive itself
    where = archive.where(entry.name)
    data = parse_json(archive.read(info, MAX_SIDECAR_BYTES), where, 100)
    try:
        clip = clip_from_sidecar(key, data)
    except StoreError as error:
        raise ProjectError(str(error), where) from None
    if data.get("frames", FRAMES) != FRAMES:
        raise ProjectError(f"a sidecar must name {FRAMES}", where)
    # The store trusts its own sidecars; one from another machine must make sense.
    if min(clip.fps, clip.width, clip.height, clip.frame_count) <= 0:
        raise ProjectError("malformed sidecar: a rate, size or frame count that is not"
                           " positive", where)


def _unpack(archive: Archive, files: dict[str, RenderEntry], store: ClipStore,
            key: str, final: Path) -> bool:
    """Unpack one render into the store; whether it was added (not there already).

    The frames are checked against the sidecar (size, frame count and rate read back from
    the video, and the sender's digest where it recorded one) and sealed afresh, so the store
    trusts the entry no more than what was read back.
    """
    incoming = store.incoming_folder(key)
    try:
        for name in (FRAMES, SIDECAR):
            info = archive.entry(files[name].name)
            assert info is not None
            with open(incoming / name, "xb") as target:
                archive.copy(info, target)
        _check_media(archive.where(files[FRAMES].name), key, incoming)
        final.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.rename(incoming, final)
        except OSError:
            if not (final / SIDECAR).is_file():
                raise
            return False  # the same take arrived meanwhile
        return True
    finally:
        shutil.rmtree(incoming, ignore_errors=True)


def _check_media(where: str, key: str, folder: Path) -> None:
    """Refuse a render whose frames are not what its sidecar says; reseal the sidecar."""
    data = parse_json((folder / SIDECAR).read_bytes(), where, 100)
    clip = clip_from_sidecar(key, data)
    if "frames_sha256" in data:
        try:
            check_seal(key, folder, seal_from_sidecar(key, data))
        except StoreError as error:
            raise ProjectError(str(error), where) from None
    try:
        check_media(key, folder, clip)
    except StoreError as error:
        raise ProjectError(f"a bundled render {error}", where) from None
    clip = dataclasses.replace(clip, provenance={**clip.provenance, "shared": True})
    write_sidecar(folder, clip, seal_of(folder / FRAMES))


def _existing_folder(folder: Path) -> Path:
    for candidate in (folder, *folder.parents):
        if candidate.is_dir():
            return candidate
    return folder

