"""What a frame draws of the subjects: each visible face and head, already in OpenCV's
fixed-point pixel coordinates, back to front (subjects in occlusion order, then each
subject's parts by depth)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from operator import itemgetter

import numpy as np

from previz.backends.draft.figures import Colour, Figure, join_boxes
from previz.backends.draft.geometry import (
    NEAR,
    View,
    cameras,
    clip_near,
    cv_points,
    grouped,
    in_frame,
    in_frame_boxes,
    inverse_of,
    least,
    most,
    to_cameras,
    total,
)
from previz.backends.draft.lighting import Lighting
from previz.backends.draft.occlusion import OcclusionOrder, footprint

EDGE = 0.55  # outlines are the fill colour this much darker
OUTLINE_POINTS = 48  # points around a head's outline


@dataclass(frozen=True)
class Seen:
    """What a view sees of the subjects' faces and heads, side by side (a frame sees hundreds,
    so lists rather than an object each): each one's outline, a convex polygon in OpenCV's
    fixed-point pixel coordinates (``SHIFT`` fractional bits), its depth in metres, fill and
    edge colours, subject, and whether it is a head. ``Solids.seen_by`` gives them in drawing
    order."""

    points: list[np.ndarray]
    depths: list[float]
    colours: list[Sequence[int]]  # RGB, as OpenCV takes them
    edges: list[Sequence[int]]
    subjects: list[int]
    heads: list[bool]

    @classmethod
    def nothing(cls) -> Seen:
        """Nothing seen, yet: lists to append to."""
        return cls([], [], [], [], [], [])

    def __len__(self) -> int:
        return len(self.points)

    def _columns(self) -> tuple[list, ...]:
        return self.points, self.depths, self.colours, self.edges, self.subjects, self.heads

    def picked(self, rows: Sequence[int]) -> Seen:
        """These rows, in this order."""
        if len(rows) < 2:  # itemgetter of one row gives the row, not a tuple of it
            return Seen(*([column[row] for row in rows] for column in self._columns()))
        pick = itemgetter(*rows)
        return Seen(*(list(pick(column)) for column in self._columns()))

    def joined(self, other: Seen) -> Seen:
        """These, then ``other``'s."""
        return Seen(*(mine + theirs for mine, theirs in zip(self._columns(), other._columns(),
                                                            strict=True)))


class FaceCache:
    """What a renderer keeps of its solids between frames: each figure's lit faces and ball
    colours (by subject index, while the figure is the same object) and the set pieces' faces
    as one table (while they are the same)."""

    def __init__(self) -> None:
        self.figures: dict[int, tuple[Figure, _Faces, list[Colour], list[Colour]]] = {}
        self.still: tuple[list[_Faces], _FaceTable] | None = None
        self.ahead: dict[int, tuple[Figure, _Faces, list[Colour], list[Colour]]] = {}

    def lit(self, figures: Sequence[Figure],
            lighting: Lighting) -> list[tuple[Figure, _Faces, list[Colour], list[Colour]]]:
        """Each figure's lit faces, ball colours and ball edge colours, found again only for
        new figures (all of them at once: the people who moved since the last frame) that
        were not lit ahead (``light_ahead``)."""
        fresh = []
        for fig in figures:
            known = self.figures.get(fig.index)
            if known is None or known[0] is not fig:
                ready = self.ahead.pop(id(fig), None)
                if ready is not None and ready[0] is fig:
                    self.figures[fig.index] = ready
                else:
                    fresh.append(fig)
        for fig, entry in zip(fresh, _light(fresh, lighting), strict=True):
            self.figures[fig.index] = entry
        return [self.figures[fig.index] for fig in figures]

    def light_ahead(self, figures: Sequence[Figure], lighting: Lighting) -> None:
        """Light ``figures`` now, all at once (the people of a render's next frames), for
        ``lit`` to take as their frames come; what an earlier call lit and no frame took is
        let go."""
        self.ahead = {id(fig): entry for fig, entry
                      in zip(figures, _light(figures, lighting), strict=True)}

    def table(self, still: list[_Faces], moving: list[_Faces]) -> _FaceTable:
        """One table of every face: the still ones' joined once, the moving ones' each time."""
        kept = self.still
        if kept is None or len(kept[0]) != len(still) or any(
                a is not b for a, b in zip(kept[0], still, strict=True)):
            kept = self.still = (still, _FaceTable(still))
        return _FaceTable([kept[1], *moving]) if moving else kept[1]


def _light(figures: Sequence[Figure],
           lighting: Lighting) -> list[tuple[Figure, _Faces, list[Colour], list[Colour]]]:
    """Each figure with its lit faces, ball colours and ball edge colours, found in one pass."""
    if not figures:
        return []
    balls = [ball for fig in figures for ball in fig.balls]
    lit = lighting.balls([ball.colour for ball in balls],
                         np.array([ball.centre for ball in balls]).reshape(-1, 3))
    edges = iter(_edges(np.array(lit, float).reshape(-1, 3)))
    colours = iter(lit)
    return [(fig, faces, [next(colours) for _ in fig.balls], [next(edges) for _ in fig.balls])
            for fig, faces in zip(figures, _Faces.of_many(figures, lighting), strict=True)]


class Solids:
    """The subjects' solids, ready to be seen from any camera."""

    def __init__(self, figures: Sequence[Figure], lighting: Lighting | None = None,
                 order: OcclusionOrder | None = None, cache: FaceCache | None = None) -> None:
        """``cache`` keeps the lit faces of figures that did not change since the last frame
        (set pieces, people standing still)."""
        lighting = lighting or Lighting.plain()
        cache = cache or FaceCache()
        still: list[_Faces] = []
        moving: list[_Faces] = []
        self._balls = []
        self._edges: list[Colour] = []
        for fig, faces, colours, edges in cache.lit(figures, lighting):
            (moving if fig.subject.kind == "person" else still).append(faces)
            self._balls += zip(fig.balls, colours, strict=True)
            self._edges += edges
        self._faces = cache.table(still, moving)
        self._order = order or OcclusionOrder([footprint(fig.corners()) for fig in figures])
        self._centres = np.array([ball.centre for ball, _ in self._balls]).reshape(-1, 3)
        self._radii = np.array([ball.radius for ball, _ in self._balls])
        # Hair: the way its face looks (zero for other balls), and which balls are hair.
        self._looks = np.array([np.zeros(3) if ball.face is None else ball.face
                                for ball, _ in self._balls]).reshape(-1, 3)
        self._hair = np.array([ball.face is not None for ball, _ in self._balls], bool)
        self._is_head = np.array([ball.head for ball, _ in self._balls], bool)
        self._heads: tuple[View, dict[int, np.ndarray]] | None = None

    def seen_by(self, view: View) -> Seen:
        """Everything ``view`` sees of the subjects, in drawing order: subjects back to front
        (``OcclusionOrder``, by their parts' mean depth where no plane splits them), each
        one's parts from the farthest (stably: equal depths keep their order)."""
        seen, heads = seen_many([(self, view)])[0]
        self._heads = (view, heads)
        return seen

    def heads_seen(self, view: View) -> dict[int, np.ndarray]:
        """Where each head in front of the lens lands in the picture (left, top, right,
        bottom), by subject: the outlines ``seen_by`` drew this view with (labels sit beside
        them), found here only for a view it did not draw."""
        if self._heads is None or self._heads[0] is not view:
            self._heads = (view, _balls_many([(self, view)])[0][1])
        return self._heads[1]

    def _ordered(self, seen: Seen, view: View) -> Seen:
        """``seen`` in drawing order (``seen_by``)."""
        if not len(seen):
            return seen
        depths = np.array(seen.depths)
        farthest_first = np.argsort(-depths, kind="stable")
        subjects = np.array(seen.subjects)[farthest_first]
        found, first = np.unique(subjects, return_index=True)
        shown = found[np.argsort(first)].tolist()  # as each one's farthest part comes
        sums = np.bincount(subjects, weights=depths[farthest_first])  # in that order
        means = (sums[shown] / np.bincount(subjects)[shown]).tolist()
        order = self._order.back_to_front(shown, view.position[[0, 2]], means)
        rank = np.zeros(len(sums), int)
        rank[order] = np.arange(len(order))
        return seen.picked(farthest_first[np.argsort(rank[subjects], kind="stable")].tolist())


def seen_many(frames: Sequence[tuple[Solids, View]]
              ) -> list[tuple[Seen, dict[int, np.ndarray]]]:
    """What each view sees of its solids, in drawing order (``Solids.seen_by``), and where
    the heads land (``Solids.heads_seen``), found for all of them at once: a render sees a
    second of frames in one pass, so numpy's cost per call is paid once for them, not once a
    frame. Each frame's is what it would find alone (the same arithmetic, row by row). Views
    of one size (a render's)."""
    faces = _FaceTable.visible_many([(solids._faces, view) for solids, view in frames])
    balls = _balls_many(frames)
    return [(solids._ordered(mine.joined(theirs), view), heads)
            for (solids, view), mine, (theirs, heads) in zip(frames, faces, balls, strict=True)]


def _split(values: list, counts: Sequence[int]) -> list[list]:
    """``values`` cut into consecutive runs of ``counts``."""
    runs, start = [], 0
    for count in counts:
        runs.append(values[start:start + count])
        start += count
    return runs


def _balls_many(frames: Sequence[tuple[Solids, View]]
                ) -> list[tuple[Seen, dict[int, np.ndarray]]]:
    """The balls each view sees wholly in front of its lens, as the pinhole sees them (the
    ellipse where the cone of rays grazing each meets the image: a circle only on the optical
    axis), and the boxes of the heads in front of it by subject."""
    found = [(Seen.nothing(), {}) for _ in frames]
    for count, numbers in grouped([len(solids._balls) for solids, _ in frames]).items():
        chosen = [frames[number] for number in numbers]
        if not count:
            continue
        views = [view for _, view in chosen]
        rotations, shifts, lenses = cameras(views)
        world = np.stack([solids._centres for solids, _ in chosen])  # (F, B, 3)
        radii = np.stack([solids._radii for solids, _ in chosen])
        centres = to_cameras(world, rotations, shifts)
        front = centres[:, :, 2] > radii + NEAR
        with np.errstate(divide="ignore", invalid="ignore"):  # balls not in front: not read
            outlines = _sphere_outlines(centres, radii, lenses)  # (F, B, P, 2)
        rows_of = (len(chosen), count, 2)  # each ball's least and greatest x and y
        low = least(outlines.reshape(-1, OUTLINE_POINTS, 2)).reshape(rows_of)
        high = most(outlines.reshape(-1, OUTLINE_POINTS, 2)).reshape(rows_of)
        framed = front & in_frame_boxes(low, high, views[0])
        head_frame, head_row = np.nonzero(front & np.stack([solids._is_head
                                                             for solids, _ in chosen]))
        head_boxes = np.concatenate([low[head_frame, head_row], high[head_frame, head_row]],
                                    axis=1)
        for frame, row, box in zip(head_frame.tolist(), head_row.tolist(), head_boxes,
                                   strict=True):
            solids = chosen[frame][0]
            found[numbers[frame]][1][solids._balls[row][0].subject] = box
        # Hair sorts behind its face, unless the camera is behind the face.
        toward = np.stack([view.position for view in views])[:, None, :] - world
        looks = np.stack([solids._looks for solids, _ in chosen])
        facing = looks * toward
        distance2 = toward * toward
        behind = ((facing[..., 0] + facing[..., 1] + facing[..., 2])
                  < -0.3 * np.sqrt(distance2[..., 0] + distance2[..., 1] + distance2[..., 2]))
        hair = np.stack([solids._hair for solids, _ in chosen])
        depths = (centres[:, :, 2] - radii * 0.5) + np.where(
            hair, np.where(behind, -radii, radii), 0.0)
        frame_of, rows = np.nonzero(framed)
        points = list(cv_points(outlines[frame_of, rows]))
        chosen_depths = depths[frame_of, rows].tolist()
        per_frame = framed.sum(axis=1).tolist()
        for (solids, _), number, mine, deep, picked in zip(
                chosen, numbers, _split(points, per_frame), _split(chosen_depths, per_frame),
                _split(rows.tolist(), per_frame), strict=True):
            balls = solids._balls
            seen = found[number][0]
            seen.points.extend(mine)
            seen.depths.extend(deep)
            for index in picked:
                ball, colour = balls[index]
                seen.colours.append(colour)
                seen.edges.append(solids._edges[index])
                seen.subjects.append(ball.subject)
                seen.heads.append(ball.head)
    return found


@dataclass(frozen=True)
class _Faces:
    """One figure's box faces, lit: corners, normals, centres, colours and edge colours."""

    corners: np.ndarray
    normals: np.ndarray
    centres: np.ndarray
    subjects: np.ndarray
    colours: np.ndarray  # (F, 3) whole grey levels; a frame takes lists of those it shows
    edges: np.ndarray
    leads: np.ndarray

    @classmethod
    def of_many(cls, figures: Sequence[Figure], lighting: Lighting) -> list[_Faces]:
        """Each figure's faces, lit; found for all of them in one pass (light is per face)."""
        if not figures:
            return []
        boxes = join_boxes([fig.boxes for fig in figures])
        corners, normals = boxes.faces()
        centres = total(corners) / 4
        colours = np.repeat(boxes.colours, 6, axis=0)
        lit = lighting.shade(colours, centres, normals, np.repeat(boxes.glow, 6))
        rounded = lit.astype(int)
        edges = _edge_levels(lit)
        leads = np.repeat(boxes.lead, 6)
        found, start = [], 0
        for fig in figures:
            end = start + 6 * len(fig.boxes.centres)
            part = slice(start, end)
            found.append(cls(corners[part], normals[part], centres[part],
                             np.full(end - start, fig.index), rounded[part], edges[part],
                             leads[part]))
            start = end
        return found


class _FaceTable:
    """Every box face of the scene as arrays, so each frame culls and projects them all at
    once."""

    def __init__(self, tables: Sequence[_Faces | _FaceTable]) -> None:
        self.corners = np.concatenate([t.corners for t in tables] or [np.zeros((0, 4, 3))])
        self.normals = np.concatenate([t.normals for t in tables] or [np.zeros((0, 3))])
        self.centres = np.concatenate([t.centres for t in tables] or [np.zeros((0, 3))])
        self.subjects = np.concatenate([t.subjects for t in tables] or [np.zeros(0, int)])
        self.colours = np.concatenate([t.colours for t in tables] or [np.zeros((0, 3), int)])
        self.edges = np.concatenate([t.edges for t in tables] or [np.zeros((0, 3), int)])
        self.leads = np.concatenate([t.leads for t in tables] or [np.zeros(0)])

    @staticmethod
    def visible_many(frames: Sequence[tuple[_FaceTable, View]]) -> list[Seen]:
        """The faces each view sees of its table: turned toward it and reaching into the
        frame, those wholly beyond the near plane as they are, the others cut at it; found
        for all the frames at once (tables of one size are stacked)."""
        found = [Seen.nothing() for _ in frames]
        for count, numbers in grouped([len(table.corners) for table, _ in frames]).items():
            if count:
                chosen = [frames[number] for number in numbers]
                for number, seen in zip(numbers, _visible(chosen), strict=True):
                    found[number] = seen
        return found


def _visible(frames: Sequence[tuple[_FaceTable, View]]) -> list[Seen]:
    """``_FaceTable.visible_many`` for tables with the same number of faces."""
    tables = [table for table, _ in frames]
    views = [view for _, view in frames]
    count = len(views)
    rotations, shifts, lenses = cameras(views)
    stacked = _stacked(tables)
    positions = np.stack([view.position for view in views])
    facing = np.einsum("fij,fij->fi", stacked["normals"],
                       positions[:, None, :] - stacked["centres"]) > 0
    # Only the faces some view of the batch has turned toward it are carried on: most faces
    # of a solid face away from any one camera, and a second of frames turns little.
    columns = np.flatnonzero(facing.any(axis=0))
    facing = facing[:, columns]
    corners = np.stack([table.corners[columns] for table in tables])  # (F, N', 4, 3)
    camera = to_cameras(corners.reshape(count, -1, 3), rotations, shifts).reshape(corners.shape)
    depth = camera[:, :, :, 2].reshape(-1, 4)
    nearest, farthest = least(depth).reshape(count, -1), most(depth).reshape(count, -1)
    frame_of, picked = np.nonzero(facing & (nearest >= NEAR))  # wholly beyond the near plane
    whole = camera[frame_of, picked]  # (M, 4, 3), frame by frame: each through its own lens
    rows = columns[picked]
    starts = np.cumsum([0, *np.bincount(frame_of, minlength=count).tolist()])
    projected = np.concatenate([
        (whole[start:end].reshape(-1, 3) @ lens.T).reshape(-1, 4, 3)
        for start, end, lens in zip(starts[:-1].tolist(), starts[1:].tolist(), lenses,
                                    strict=True)])
    pixels = projected[:, :, :2] / projected[:, :, 2:3]
    framed = np.flatnonzero(in_frame(pixels, views[0]))
    frame_of, rows = frame_of[framed], rows[framed]
    means = total(whole[framed, :, 2]) / 4 - stacked["leads"][frame_of, rows]
    per_frame = np.bincount(frame_of, minlength=count).tolist()
    found = [Seen(*parts, [False] * len(parts[0])) for parts in zip(
        _split(list(cv_points(pixels[framed])), per_frame),
        _split(means.tolist(), per_frame),
        _split(stacked["colours"][frame_of, rows].tolist(), per_frame),
        _split(stacked["edges"][frame_of, rows].tolist(), per_frame),
        _split(stacked["subjects"][frame_of, rows].tolist(), per_frame), strict=True)]
    cut = facing & (farthest > NEAR) & (nearest < NEAR)
    for number, column in zip(*np.nonzero(cut), strict=True):  # faces through the near plane
        table, view, seen = tables[number], views[number], found[number]
        row = columns[column]
        polygon = clip_near(camera[number, column])
        if len(polygon) >= 3:
            seen.points.append(cv_points(view.to_pixels(polygon)))
            seen.depths.append(float(polygon[:, 2].mean()))
            seen.colours.append(table.colours[row].tolist())
            seen.edges.append(table.edges[row].tolist())
            seen.subjects.append(int(table.subjects[row]))
            seen.heads.append(False)
    return found


def _stacked(tables: Sequence[_FaceTable]) -> dict[str, np.ndarray]:
    """The columns of tables of as many faces, stacked (F, N, ...) by name (one table's own
    columns, with a first axis of one, are not copied); not the corners, of which ``_visible``
    takes only the faces turned toward some view."""
    return {name: getattr(tables[0], name)[None] if len(tables) == 1 else
            np.stack([getattr(table, name) for table in tables])
            for name in ("normals", "centres", "subjects", "colours", "edges", "leads")}


def _sphere_outlines(centres: np.ndarray, radii: np.ndarray, lenses: np.ndarray,
                     count: int = OUTLINE_POINTS) -> np.ndarray:
    """``count`` pixels around the outline of each frame's balls (camera-space ``centres``
    (F, B, 3), wholly in front of the lens, ``radii`` (F, B)) under its pinhole (F, 3, 3),
    (F, B, count, 2): the conic d·(c cᵀ - (|c|² - r²) I)·d = 0 of the rays d that graze it,
    taken to pixels through K⁻¹, an ellipse whose 2x2 algebra is written out for all balls at
    once."""
    inverse = np.stack([inverse_of(k) for k in lenses])[:, None]  # (F, 1, 3, 3)
    cones = centres[..., :, None] * centres[..., None, :]
    cones -= ((centres * centres).sum(axis=-1) - radii**2)[..., None, None] * np.eye(3)
    conics = -(inverse.transpose(0, 1, 3, 2) @ cones @ inverse)  # positive definite inside
    a00, a01, a11 = conics[..., 0, 0], conics[..., 0, 1], conics[..., 1, 1]
    b0, b1, c = conics[..., 0, 2], conics[..., 1, 2], conics[..., 2, 2]
    det = a00 * a11 - a01 * a01
    mx, my = (a01 * b1 - a11 * b0) / det, (a01 * b0 - a00 * b1) / det  # -A⁻¹b
    level = a00 * mx * mx + 2 * a01 * mx * my + a11 * my * my - c
    half, spread = (a00 + a11) / 2, np.hypot((a00 - a11) / 2, a01)
    angle = 0.5 * np.arctan2(2 * a01, a00 - a11)  # the axis of the larger eigenvalue
    cos, sin = np.cos(angle), np.sin(angle)
    short, long = np.sqrt(level / (half + spread)), np.sqrt(level / (half - spread))
    ring = _circle(count)
    along = ring[:, :1] * short[..., None, None]  # (F, B, count, 1)
    across = ring[:, 1:] * long[..., None, None]
    return (np.stack([mx, my], axis=-1)[..., None, :]
            + along * np.stack([cos, sin], axis=-1)[..., None, :]
            + across * np.stack([-sin, cos], axis=-1)[..., None, :])


@lru_cache(maxsize=4)
def _circle(count: int) -> np.ndarray:
    """``count`` points around the unit circle (count, 2)."""
    angles = np.linspace(0.0, 2 * np.pi, count, endpoint=False)
    return np.stack([np.cos(angles), np.sin(angles)], axis=1)


def _edge_levels(lit: np.ndarray) -> np.ndarray:
    """The outline colours (N, 3 whole levels) of faces or balls lit ``lit``: ``EDGE`` as
    bright."""
    return (lit * EDGE).astype(int)


def _edges(lit: np.ndarray) -> list[Colour]:
    """``_edge_levels`` as colour tuples (the balls')."""
    return list(map(tuple, _edge_levels(lit).tolist()))
