"""The draft renderer: each frame drawn from its camera, vectorised with OpenCV and numpy.

Back to front: sky, ground and its grid, plates, then the figures, the farthest subject first
and each subject's faces from its farthest to its nearest (so nearer things hide farther
ones), and the labels beside them (``labels``). The picture is the camera's: the slate goes
on a band outside it, in the viewer and the exports. Everything is placed in continuous pixel
coordinates (pixel i covers [i, i+1)) and handed to OpenCV with its pixel centres at i + 0.5.
The control modes draw the same geometry without text: ``depth`` (metres, and a grey image
that is brighter for nearer things), ``layout`` (a flat colour per subject) and ``pose`` (the
people's OpenPose skeletons, ``pose.render_pose``). A scene's ``track`` gives the subjects at
each frame's time, so people walk, turn and look within a shot; set pieces stay put.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

import cv2
import numpy as np

from previz.backends.draft.drawables import FaceCache, Seen, Solids, seen_many
from previz.backends.draft.figures import LAYOUT_COLOURS, Figure, figures
from previz.backends.draft.geometry import SHIFT, View, cv_points, grouped
from previz.backends.draft.ground import Strokes, draw_strokes, grid_strokes, ground_depth
from previz.backends.draft.labels import Room, place_labels, rooms
from previz.backends.draft.lighting import Lighting, PoolPatch
from previz.backends.draft.occlusion import Footprint, OcclusionOrder, footprint, footprints
from previz.backends.draft.plates import Plate, draw_plate
from previz.backends.draft.pose import render_pose
from previz.backends.draft.sky import Palette, sky_rows
from previz.backends.draft.text import Sprite, image_sprite, label_sprite
from previz.core.subjects import Subject

MODES = ("preview", "depth", "layout", "pose")
SKY_DEPTH = 1000.0
OWNERS_SHIFT = 2  # who shows where is counted on a grid 2**2 times coarser than the frame
OWNERS = 1 << OWNERS_SHIFT
CANVASES = 3  # frames a renderer keeps to draw into again once no one else holds them


@dataclass(frozen=True)
class DraftScene:
    """What the draft shows, apart from the camera: subjects (at the first frame, and
    ``track``: the subjects at a shot time, for a scene whose people move), light, plates,
    references."""

    subjects: Sequence[Subject]
    palette: Palette
    plates: Sequence[Plate] = ()
    references: Mapping[str, np.ndarray] = field(default_factory=dict)
    mode: str = "preview"
    track: Callable[[float], Sequence[Subject]] | None = None
    lighting: Lighting | None = None


class DraftRenderer:
    """Renders frames of one scene at one size; text is drawn once and reused."""

    def __init__(self, scene: DraftScene, width: int, height: int) -> None:
        if scene.mode not in MODES:
            raise ValueError(f"draft mode {scene.mode!r} is not one of {', '.join(MODES)}")
        self.scene, self.width, self.height = scene, width, height
        self.lighting = scene.lighting or Lighting.plain()
        self._splits: dict = {}
        self._faces = FaceCache()
        self._footprints: dict[int, tuple[Figure, Footprint]] = {}
        self._subjects: tuple[Subject, ...] = ()
        self._ahead: dict[float, _Prepared] = {}  # frames prepared (``prepare``), by time
        # The grid lines and lamp pools of views found ahead (``prepare``), by view.
        self._grounds: dict[int, tuple[View, Strokes, list[PoolPatch] | None]] = {}
        self._set_subjects(tuple(scene.subjects))
        self.text_size = max(int(height * 0.028), 10)
        self._name_figures()
        self._sky = _sky_strip(scene.palette, width, height)
        self._backdrop: tuple[tuple[bytes, bytes, bool], np.ndarray] | None = None
        self._last_view: tuple[bytes, bytes, bool] | None = None
        self._canvases = _Canvases((height, width, 3))
        self._owners = np.empty((height // OWNERS + 1, width // OWNERS + 1), np.int32)
        self._owned = False  # whether ``_owners`` holds this frame's

    def recast(self, scene: DraftScene) -> None:
        """Draw ``scene`` from now on: this scene in the same light, plates and references,
        with its subjects where they are now (someone dragged on a floor plan). Only the
        subjects that changed are built again; the frames are those of a renderer made afresh
        for ``scene``."""
        subjects = tuple(scene.subjects)
        if _still(subjects) != _still(self._subjects):
            self._splits.clear()  # the planes between set pieces hold for pieces that stayed
        self._ahead.clear()  # people prepared for the old scene's frames
        self._faces.ahead.clear()
        self.scene = scene
        self._set_subjects(subjects)
        self._name_figures()

    def _name_figures(self) -> None:
        """Each figure's label and reference thumbnail (labels are shaped once per name)."""
        references = self.scene.references
        self._labels = {f.index: self._label(f) for f in self.figures}
        self._thumbnails = {f.index: image_sprite(references[f.subject.name])
                            for f in self.figures if f.subject.name in references}

    def render(self, view: View, time: float, end: float) -> np.ndarray:
        """The frame at ``time`` seconds seen by ``view``, in a shot whose last frame is at
        ``end`` seconds: HxWx3 uint8 RGB."""
        prepared = self._ahead.pop(time, None)
        seen: tuple[Seen, dict[int, np.ndarray]] | None = None
        room: Room | None = None
        if prepared is not None:
            self._subjects, self.figures = prepared.subjects, prepared.figures
            self._solids = prepared.solids
            if prepared.view is view:
                seen, room = prepared.seen, prepared.room
        elif self.scene.track is not None:
            self._set_subjects(tuple(self.scene.track(time)))
        if self.scene.mode == "depth":
            return encode_depth(self.depth(view, seen[0] if seen else None))
        if self.scene.mode == "pose":
            return render_pose([fig.skeleton for fig in self.figures if fig.skeleton], view)
        frame = self._canvases.take()
        layout = self.scene.mode == "layout"
        self._background(frame, view, layout)
        plated = False
        if not layout:
            for plate in self.scene.plates:
                if plate.corners is not None:
                    opacity = plate.opacity(time, end)
                    draw_plate(frame, plate, view, opacity)
                    plated = plated or opacity >= 1.0
        shown = self._figures(frame, view, layout, plated, seen[0] if seen else None)
        if not layout:
            self._overlays(frame, view, time, end, shown, heads=seen[1] if seen else None,
                           room=room)
        return frame

    def prepare(self, times: Sequence[float], views: Sequence[View] = ()) -> None:
        """Get the frames at ``times`` (a render's next frames) ready, for ``render`` to take
        as they come: their people built and lit, and what ``views`` (those frames' cameras)
        see of the ground and the subjects, all at once: numpy's cost per call is then paid
        once for them all, not once a frame. The frames are the same either way; what an
        earlier call made and no frame took is let go."""
        mode = self.scene.mode
        if mode == "preview" and views:
            ground, grid = self.scene.palette.ground, self.scene.palette.grid
            self._grounds = {id(view): (view, strokes, pools) for view, strokes, pools in zip(
                views, grid_strokes(views, ground, grid),
                self.lighting.pool_patches(views, ground), strict=True)}
        if self.scene.track is None:
            frames = [(self._subjects, self.figures, self._solids)] * len(times)
        else:
            frames = self._people_ahead(times)
        if not frames:
            return
        if not views:
            self._ahead = {time: _Prepared(*frame, None, None, None)
                           for time, frame in zip(times, frames, strict=True)}
            return
        sights = seen_many([(solids, view) for (_, _, solids), view in zip(
            frames, views, strict=True)]) if mode != "pose" else [None] * len(frames)
        labelled = rooms([(figs, view) for (_, figs, _), view in zip(
            frames, views, strict=True)]) if mode == "preview" else [None] * len(frames)
        self._ahead = {time: _Prepared(*frame, view, sight, room)
                       for time, frame, view, sight, room
                       in zip(times, frames, views, sights, labelled, strict=True)}

    def _people_ahead(self, times: Sequence[float]
                      ) -> list[tuple[tuple[Subject, ...], list[Figure], Solids]]:
        """The subjects, figures and solids of the frames at ``times``, in order, their people
        built and lit all at once; the renderer is left as it was."""
        assert self.scene.track is not None
        tracked = [(time, tuple(self.scene.track(time))) for time in times]
        people = [(subject, i) for _, subjects in tracked for i, subject in enumerate(subjects)
                  if subject.kind == "person"]
        built = iter(figures(people))
        made = [(subjects, {i: next(built) for i, subject in enumerate(subjects)
                            if subject.kind == "person"})
                for _, subjects in tracked]
        self._faces.light_ahead([fig for _, mine in made for fig in mine.values()],
                                self.lighting)
        before = (self._subjects, self.figures, self._solids)
        changes: list[tuple[tuple[Subject, ...], list[Figure]]] = []
        shows = []  # for each frame, the change it shows (0: the frame before them all)
        for subjects, mine in made:  # each frame from the one before, as render would
            if subjects != self._subjects:
                self.figures, self._subjects = self._refigured(subjects, mine), subjects
                changes.append((subjects, self.figures))
            shows.append(len(changes))
        self._subjects, self.figures = before[0], before[1]
        # The footprints of the figures built for them, and the occlusion orders, at once.
        fresh = {id(fig): fig for _, figs in changes for fig in figs
                 if (known := self._footprints.get(fig.index)) is None or known[0] is not fig}
        found = dict(zip(fresh, footprints([fig.corners() for fig in fresh.values()]),
                         strict=True))
        orders: dict[int, OcclusionOrder] = {}
        for numbers in grouped([(len(subjects), frozenset(_still(subjects)))  # same set pieces
                                for subjects, _ in changes]).values():
            prints = [[found[id(fig)] if id(fig) in found else self._footprint(fig)
                       for fig in changes[number][1]] for number in numbers]
            orders.update(zip(numbers, OcclusionOrder.many(
                prints, self._splits, _still(changes[numbers[0]][0])), strict=True))
        states = [before] + [(subjects, figs, Solids(figs, self.lighting, orders[number],
                                                     self._faces))
                             for number, (subjects, figs) in enumerate(changes)]
        return [states[show] for show in shows]

    def _set_subjects(self, subjects: tuple[Subject, ...]) -> None:
        """Rebuild what changed: people who moved; set pieces are built once."""
        if subjects == self._subjects:
            return
        self.figures = self._refigured(subjects, None)
        order = OcclusionOrder([self._footprint(fig) for fig in self.figures], self._splits,
                               _still(subjects))
        self._solids = Solids(self.figures, self.lighting, order, self._faces)
        self._subjects = subjects

    def _refigured(self, subjects: tuple[Subject, ...],
                   made: Mapping[int, Figure] | None) -> list[Figure]:
        """The figures of ``subjects``: those of the last frame's (``figures``) where the
        subject is the same, else taken from ``made`` or built."""
        kept = dict(enumerate(getattr(self, "figures", ())))
        fresh = [(subject, i) for i, subject in enumerate(subjects)
                 if not (i in kept and i < len(self._subjects) and self._subjects[i] == subject)]
        ready = made or {}
        missing = [(subject, i) for subject, i in fresh if i not in ready]
        kept.update((i, built) for (_, i), built in zip(missing, figures(missing), strict=True))
        kept.update((i, ready[i]) for _, i in fresh if i in ready)
        return [kept[i] for i in range(len(subjects))]

    def _footprint(self, fig: Figure) -> Footprint:
        """A figure's footprint, found again only when the figure was built again."""
        known = self._footprints.get(fig.index)
        if known is None or known[0] is not fig:
            known = self._footprints[fig.index] = (fig, footprint(fig.corners()))
        return known[1]

    def depth(self, view: View, seen: Seen | None = None) -> np.ndarray:
        """Camera-space depth in metres (H, W) float32; the sky is ``SKY_DEPTH``. ``seen``:
        what the view sees of the subjects, if it was found ahead."""
        depth = ground_depth(view, SKY_DEPTH)
        seen = seen if seen is not None else self._solids.seen_by(view)
        for points, metres in zip(seen.points, seen.depths, strict=True):
            cv2.fillConvexPoly(depth, points, metres, cv2.LINE_8, SHIFT)
        return depth

    def _background(self, frame: np.ndarray, view: View, layout: bool) -> None:
        """Sky, ground, lamp pools and grid: kept once the camera has stayed put for a frame (a
        still camera's frames, live frames of someone dragged in front of it) and copied while
        it stays put; a moving camera draws its own each frame and keeps nothing."""
        key = (view.K.tobytes(), view.world_to_camera.tobytes(), layout)
        if self._backdrop is not None and self._backdrop[0] == key:
            np.copyto(frame, self._backdrop[1])
            return
        self._draw_background(frame, view, layout)
        if key == self._last_view:
            self._backdrop = (key, frame.copy())
        self._last_view = key

    def _draw_background(self, frame: np.ndarray, view: View, layout: bool) -> None:
        palette = self.scene.palette
        polygon = view.ground_polygon()
        rows = _sky_rows(polygon, self.width, self.height)
        if layout:
            frame[:rows] = 0
            ground = (64, 64, 64)
        else:
            offset = int(np.clip(round(2 * self.height - _horizon_row(view)), 0,
                                 2 * self.height))
            np.copyto(frame[:rows], self._sky[offset:offset + rows])
            ground = palette.ground
        if len(polygon) >= 3:
            cv2.fillPoly(frame, [cv_points(polygon)], ground, cv2.LINE_AA, SHIFT)
        if not layout:  # the pools' light falls on the grid's lines too
            ahead = self._grounds.pop(id(view), None)
            if ahead is None or ahead[0] is not view:
                ahead = (view, grid_strokes([view], palette.ground, palette.grid)[0], None)
            draw_strokes(frame, ahead[1])
            self.lighting.draw_pools(frame, view, palette.ground, ahead[2])

    def _figures(self, frame: np.ndarray, view: View, layout: bool, outline_only: bool,
                 seen: Seen | None) -> dict[int, int]:
        """Draw the subjects (``seen``, if found ahead); how many pixels of each one's head (of
        a prop, of all of it) show, counted in the preview only, where a hidden head's label is
        left out."""
        seen = seen if seen is not None else self._solids.seen_by(view)
        if outline_only:
            lines, smooth = cv2.polylines, cv2.LINE_AA
            for points in seen.points:
                lines(frame, [points], True, (255, 255, 255), 1, smooth, SHIFT)
        elif layout:
            fill, smooth = cv2.fillConvexPoly, cv2.LINE_AA
            for points, subject in zip(seen.points, seen.subjects, strict=True):
                fill(frame, points, LAYOUT_COLOURS[subject % len(LAYOUT_COLOURS)], smooth, SHIFT)
        else:
            _shade(frame, seen)
        self._owned = not layout and len(self.figures) >= 2
        if not self._owned:
            return dict.fromkeys(seen.subjects, 1)
        # Who shows where: a person by its head (its label sits beside it), anything else by
        # any part of it. Not uint8, so that the ids are drawn without blending.
        # Counted on a grid a quarter of the frame's size: a head is more than a few pixels.
        owners = self._owners  # never handed out: drawn into again each frame, its pages warm
        owners.fill(0)
        count = len(self.figures)
        _fill_owners(owners, seen, count)
        counts = np.bincount(owners[owners != 0], minlength=2 * count + 1)  # most are sky
        return {fig.index: int(counts[fig.index + 1 + count * bool(fig.heads)])
                for fig in self.figures}

    def _overlays(self, frame: np.ndarray, view: View, time: float, end: float,
                  shown: dict[int, int], *, heads: dict[int, np.ndarray] | None,
                  room: Room | None) -> None:
        over = [plate for plate in self.scene.plates if plate.role == "dissolve_to"]
        for plate in self.scene.plates:  # the next shot's first frame goes over the labels too
            if plate.corners is None and plate.role != "dissolve_to":
                draw_plate(frame, plate, view, plate.opacity(time, end))
        seen = [fig for fig in self.figures if shown.get(fig.index, 0) > 0]
        place_labels(frame, view, seen, self._labels, self._thumbnails,
                     heads=heads if heads is not None else self._solids.heads_seen(view),
                     room=room, top_shown=self._top_shown if self._owned else None)
        for plate in over:
            draw_plate(frame, plate, view, plate.opacity(time, end))

    def _top_shown(self, index: int, body: list[float] | None) -> list[float] | None:
        """Where the top of what shows of set piece ``index`` is in this frame (left, top,
        right, bottom pixels): the widest run of the owners grid's cells it holds along its
        topmost two rows of them, looked for about ``body`` (the box of its solids, if known);
        None if it holds none."""
        owners = self._owners
        height, width = owners.shape
        left, right, bottom = 0, width, height
        if body is not None:  # the columns the box reaches into, a cell more each side (a
            # fill's edge rounds to the nearer cell); every row above its bottom (the box
            # holds a ball as its square at the ball's middle, a crown's top above it)
            left = max(int(body[0]) // OWNERS - 1, 0)
            right = min(int(body[2]) // OWNERS + 2, width)
            bottom = min(max(int(body[3]) // OWNERS + 2, 0), height)
        held = owners[:bottom, left:right] == index + 1
        if not held.size:
            return None
        rows = held.any(axis=1)
        first = int(rows.argmax())
        if not rows[first]:
            return None
        along = np.flatnonzero(held[first:first + 2].any(axis=0)).tolist()  # a few dozen
        best = start = along[0]
        best_end = end = start
        for column in along[1:]:
            if column > end + 1:
                start = column
            end = column
            if end - start > best_end - best:
                best, best_end = start, end
        return [float((best + left) * OWNERS), float(first * OWNERS),
                float((best_end + left + 1) * OWNERS), float((first + 2) * OWNERS)]

    def _label(self, fig: Figure) -> Sprite:
        name = fig.subject.name
        if name in self.scene.references:
            name += " (ref)"
        return label_sprite(name, self.text_size)


class _Canvases:
    """The frames a renderer draws into: one it drew before that no one holds any more, else
    a new one.

    A new 1280x720 frame is 2.7 MB, and an allocator that gives blocks that large back to the
    system when they are freed hands each one over as pages fresh from the kernel, zeroed on
    first touch: some seven hundred page faults, two milliseconds of a frame that takes five
    (glibc until its threshold has risen, Windows' heap for any block over half a megabyte).
    A frame the clip store's writer has piped to ffmpeg is let go by the next frame but one;
    drawing into it again keeps its pages mapped and in the caches. A frame anyone still holds
    (a viewer showing it, a caller keeping every frame, a view or buffer of it) is never drawn
    into: CPython counts the references to an array, its views' included."""

    def __init__(self, shape: tuple[int, int, int]) -> None:
        self._shape = shape
        self._kept: list[np.ndarray] = []

    def take(self) -> np.ndarray:
        """A frame to draw over (every pixel of it: what it held is left in it)."""
        kept = self._kept
        for index in range(len(kept)):
            # Held by the list and by this call's argument only (no local name holds it: a
            # name's reference may be borrowed, and uncounted, in later Pythons).
            if sys.getrefcount(kept[index]) <= 2:
                return kept[index]
        canvas = np.empty(self._shape, np.uint8)
        self._kept = [*kept[1 - CANVASES:], canvas]  # the oldest one let go
        return canvas


@dataclass(frozen=True)
class _Prepared:
    """A frame made ready ahead (``DraftRenderer.prepare``): its subjects, figures and
    solids, and what its camera ``view`` sees of them (drawing order and heads) and where its
    figures land for their labels (``rooms``), if found."""

    subjects: tuple[Subject, ...]
    figures: list[Figure]
    solids: Solids
    view: View | None
    seen: tuple[Seen, dict[int, np.ndarray]] | None
    room: Room | None


def _still(subjects: Sequence[Subject]) -> dict[int, Subject]:
    """The subjects that are not people (set pieces), by index."""
    return {i: subject for i, subject in enumerate(subjects) if subject.kind != "person"}


def _shade(frame: np.ndarray, seen: Seen) -> None:
    """Each face and head filled in its colour and outlined in its edge colour, in order (the
    loop of every preview frame, so OpenCV's functions are looked up once). The fill is
    aliased: the anti-aliased outline drawn over its edge covers the steps, and anti-aliasing
    the fill's edge as well cost a third of the drawing for a picture no one can tell apart."""
    fill, lines = cv2.fillConvexPoly, cv2.polylines
    sharp, smooth = cv2.LINE_8, cv2.LINE_AA
    for points, colour, edge in zip(seen.points, seen.colours, seen.edges, strict=True):
        fill(frame, points, colour, sharp, SHIFT)
        lines(frame, [points], True, edge, 1, smooth, SHIFT)


def _fill_owners(target: np.ndarray, seen: Seen, count: int) -> None:
    """Each face's and head's owner value (its subject, and whether it is a head: ``subject +
    1 + count * head``) drawn into a grid ``OWNERS`` times coarser than the frame (the same
    fixed-point coordinates read with ``OWNERS_SHIFT`` more fractional bits)."""
    shift = SHIFT + OWNERS_SHIFT
    fill, sharp = cv2.fillConvexPoly, cv2.LINE_8
    for points, subject, head in zip(seen.points, seen.subjects, seen.heads, strict=True):
        fill(target, points, subject + 1 + count * head, sharp, shift)


@lru_cache(maxsize=4)
def _sky_strip(palette: Palette, width: int, height: int) -> np.ndarray:
    """Sky three frames tall with the horizon two frames down: any frame's sky is a slice.
    Shared by every renderer of that palette and size (8 MB at 1280x720), so read-only."""
    rows = sky_rows(palette, 3 * height, 2.0 * height)
    strip = np.repeat(rows[:, None, :], width, axis=1)
    strip.flags.writeable = False
    return strip


def _sky_rows(ground: np.ndarray, width: int, height: int) -> int:
    """How many rows from the top of a frame can show sky, for the ``ground`` polygon that
    will be filled over it: below them the ground covers every pixel, its edges on the
    frame's borders included, so nothing need be put there first. The rows the horizon
    crosses and the one under them are counted (the ground's anti-aliased edge blends with
    the sky)."""
    if len(ground) < 3:
        return height
    low = ground[:, 1] >= height
    if not ((ground[low, 0] <= 0).any() and (ground[low, 0] >= width).any()):
        return height  # the ground does not hold the bottom of the frame (a rolled camera)
    top = ground[~low, 1]
    return height if not len(top) else int(min(height, max(0.0, float(top.max())) // 1 + 2))


def _horizon_row(view: View) -> float:
    line = view.horizon()
    if abs(line[1]) < 1e-9:
        return -1e6 if line[2] < 0 else 1e6
    return float(-(line[0] * view.width / 2 + line[2]) / line[1])


def encode_depth(depth: np.ndarray) -> np.ndarray:
    """Depth as a grey frame for depth-conditioned models: nearer is brighter (255·2/(2+d))."""
    grey = np.empty(depth.shape, np.float32)
    np.add(depth, 2.0, out=grey)
    np.divide(510.0, grey, out=grey)
    return cv2.cvtColor(grey.astype(np.uint8), cv2.COLOR_GRAY2RGB)
