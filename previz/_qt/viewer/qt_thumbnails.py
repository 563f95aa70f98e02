"""Small pictures of stored clips' frames, made on a worker thread and kept a while."""

from __future__ import annotations

import logging
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor

import numpy as np
from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QImage

from previz._qt.viewer.qt_frame_view import to_qimage
from previz.core.values import Clip
from previz.engine.store import ClipStore, StoreError
from previz.media import MediaError

log = logging.getLogger(__name__)
HEIGHT = 72
KEEP = 256


class QtThumbnails(QObject):
    """Thumbnails by (clip key, frame); ``ready(key)`` fires when one has been made.

    Workers only decode and scale; what they make reaches the GUI thread through a queued
    signal (dropped by Qt if this object is gone), and ``close`` waits for them, so no
    worker touches a Qt object that is being deleted.
    """

    ready = Signal(str)
    _made = Signal(object, object)

    def __init__(self, store: ClipStore, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self._images: OrderedDict[tuple[str, int], QImage] = OrderedDict()
        self._asked: set[tuple[str, int]] = set()
        self._closed = False
        self._workers = ThreadPoolExecutor(2, thread_name_prefix="thumbnails")
        self._made.connect(self._keep, Qt.ConnectionType.QueuedConnection)

    def get(self, clip: Clip, frame: int = 0) -> QImage | None:
        """The thumbnail of ``frame`` of ``clip``, or None while it is being made."""
        wanted = (clip.key, min(max(frame, 0), clip.frame_count - 1))
        image = self._images.get(wanted)
        if image is not None:
            self._images.move_to_end(wanted)
            return image
        if wanted not in self._asked and not self._closed:
            self._asked.add(wanted)
            self._workers.submit(self._make, clip, wanted)
        return None

    def close(self) -> None:
        """Stop making thumbnails: queued ones are dropped, those under way are waited for."""
        self._closed = True
        self._workers.shutdown(wait=True, cancel_futures=True)

    def _make(self, clip: Clip, wanted: tuple[str, int]) -> None:
        if self._closed:
            return
        try:
            frame = self.store.frame(clip, wanted[1])
        except (StoreError, MediaError, IndexError, OSError):
            log.warning("no thumbnail for %s", clip.key[:12], exc_info=True)
            return
        if not self._closed:
            self._made.emit(wanted, _small(frame))

    def _keep(self, wanted: tuple[str, int], image: QImage) -> None:
        if self._closed:
            return
        self._images[wanted] = image
        self._asked.discard(wanted)
        while len(self._images) > KEEP:
            self._images.popitem(last=False)
        self.ready.emit(wanted[0])


def _small(frame: np.ndarray) -> QImage:
    """A thumbnail that owns its pixels: ``scaledToHeight`` hands back the image itself when
    the frame is already ``HEIGHT`` high, and that one shares the frame's memory, which is
    freed once the worker returns (painting it would read freed memory)."""
    image = to_qimage(np.ascontiguousarray(frame))
    return image.scaledToHeight(HEIGHT, Qt.TransformationMode.SmoothTransformation).copy()
