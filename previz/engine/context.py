"""The execute context: everything a node may use while it runs, the same for every pack."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import numpy as np

from previz.core.project import Asset
from previz.core.values import Clip
from previz.engine.backend import Backend, CancelToken
from previz.engine.store import ClipStore, ClipWriter
from previz.media import (
    dissolve_along_flow,
    retime_by_speed,
    retime_to_rate,
    retimed_frame_count,
    speed_frame_count,
)
from previz.media.images import ImageError, decode_image, fit_frame


class NodeError(Exception):
    """A node cannot do what it was asked; the message tells the user what to change."""


class MediaServices:
    """Pictures and clips for nodes: decoded assets, frames of clips from the store."""

    def __init__(self, store: ClipStore, assets: Mapping[str, Asset]) -> None:
        self._store = store
        self._assets = assets

    def image(self, sha256: str) -> np.ndarray:
        """An image asset as an HxWx3 uint8 RGB array."""
        asset = self._assets.get(sha256)
        if asset is None or not asset.data:
            raise NodeError(f"image {sha256[:12]} is not in the project")
        try:
            return decode_image(asset.data, asset.name or sha256[:12])
        except ImageError as error:
            raise NodeError(str(error)) from error

    def fit(self, image: np.ndarray, width: int, height: int) -> np.ndarray:
        """``image`` scaled to fit a width x height frame, centred on black."""
        return fit_frame(image, width, height)

    def frames(self, clip: Clip, start: int = 0) -> Iterator[np.ndarray]:
        """Every frame of a clip from frame ``start`` on, streamed."""
        return self._store.frames(clip, start)

    def frame(self, clip: Clip, index: int) -> np.ndarray:
        """One frame of a clip; negative indices count from the end."""
        return self._store.frame(clip, index % clip.frame_count)

    def retime(self, clip: Clip, method: str, rate: Fraction | None = None,
               speed: Fraction | None = None) -> Iterator[np.ndarray]:
        """The clip's frames at another ``rate``, or played at ``speed`` (2: twice as fast)."""
        if rate is not None:
            return retime_to_rate(self.frames(clip), clip.frame_count, clip.fps, rate,
                                  method=method)
        return retime_by_speed(self.frames(clip), clip.frame_count, speed or Fraction(1),
                               method=method)

    def retimed_count(self, clip: Clip, rate: Fraction | None = None,
                      speed: Fraction | None = None) -> int:
        """How many frames ``retime`` gives for the same arguments."""
        if rate is not None:
            return retimed_frame_count(clip.frame_count, clip.fps, rate)
        return speed_frame_count(clip.frame_count, speed or Fraction(1))

    def dissolve(self, first: np.ndarray, last: np.ndarray,
                 times: Iterable[float]) -> Iterator[np.ndarray]:
        """In-betweens from ``first`` to ``last`` along their optical flow, one per time."""
        return dissolve_along_flow(first, last, times)


@dataclass
class ExecuteContext:
    """What a running node sees: its resolved params, its take and seed, and the services.

    Nothing else: a node reads the project's rate or size through params that inherit them,
    so whatever ``execute`` can read is in the take's key (DESIGN §8).

    A node that makes a clip writes it through ``new_clip``; the take's key is already chosen,
    and a failure or cancellation before ``finish`` leaves nothing in the store.
    """

    node_id: str
    label: str
    params: Mapping[str, Any]
    take: int
    seed: int | None
    key: str
    store: ClipStore
    media: MediaServices
    cancel: CancelToken
    backend: Backend | None = None
    model: str = ""
    report: Callable[[int, int], None] = field(default=lambda index, total: None)
    provenance: Mapping[str, Any] = field(default_factory=dict)
    _writers: list[ClipWriter] = field(default_factory=list, init=False, repr=False)

    def progress(self, index: int, total: int) -> None:
        """Say that step ``index`` of ``total`` is done; raises ``Cancelled`` if cancelled."""
        self.report(index, total)
        self.cancel.check()

    def new_clip(self, width: int, height: int, fps: Fraction, *,
                 head: Clip | None = None) -> ClipWriter:
        """Start writing this take's clip into the store; with ``head`` (a stored clip), the
        clip begins with that clip's frames, which are not copied."""
        writer = self.store.writer(self.key, width, height, fps, cancel=self.cancel,
                                   provenance=self.provenance, head=head)
        self._writers.append(writer)
        return writer

    def close(self) -> None:
        """Throw away every clip started here and not finished (the executor calls this when
        ``execute`` returns or raises), so a node need not clean up after itself."""
        for writer in self._writers:
            writer.abort()
        self._writers.clear()
