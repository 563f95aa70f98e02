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
    clip_near,
    cv_points,
    in_frame,
    inverse_of,
    least,
    most,
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
        self._heads: tuple[View, dict[int, np.ndarray]] | None = None

    def seen_by(self, view: View) -> Seen:
        """Everything ``view`` sees of the subjects, in drawing order: subjects back to front
        (``OcclusionOrder``, by their parts' mean depth where no plane splits them), each
        one's parts from the farthest (stably: equal depths keep their order)."""
        seen = self._faces.visible(view).joined(self._balls_seen(view))
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

    def heads_seen(self, view: View) -> dict[int, np.ndarray]:
        """Where each head in front of the lens lands in the picture (left, top, right,
        bottom), by subject: the outlines ``seen_by`` drew this view with (labels sit beside
        them), found here only for a view it did not draw."""
        if self._heads is None or self._heads[0] is not view:
            self._outlines(view)
        assert self._heads is not None
        return self._heads[1]

    def _outlines(self, view: View) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The balls in camera space, which of them are wholly in front of the lens, and
        those balls' outlines (F, ``OUTLINE_POINTS``, 2 pixels); the heads' boxes are kept
        for ``heads_seen``."""
        if not self._balls:
            self._heads = (view, {})
            return np.zeros((0, 3)), np.zeros(0, int), np.zeros((0, OUTLINE_POINTS, 2))
        centres = view.to_camera(self._centres)
        front = np.flatnonzero(centres[:, 2] > self._radii + NEAR)
        outlines = sphere_outlines(centres[front], self._radii[front], view.K)
        heads = [row for row, index in enumerate(front.tolist()) if self._balls[index][0].head]
        boxes = np.concatenate([least(outlines[heads]), most(outlines[heads])], axis=1)
        self._heads = (view, {self._balls[front[row]][0].subject: box
                              for row, box in zip(heads, boxes, strict=True)})
        return centres, front, outlines

    def _balls_seen(self, view: View) -> Seen:
        """The balls wholly in front of the lens, as the pinhole sees them: the ellipse where
        the cone of rays grazing each meets the image (a circle only on the optical axis)."""
        centres, front, outlines = self._outlines(view)
        framed = np.flatnonzero(in_frame(outlines, view))
        front, outlines = front[framed], cv_points(outlines[framed])
        radii = self._radii[front]
        depths = centres[front, 2] - radii * 0.5
        # Hair sorts behind its face, unless the camera is behind the face.
        toward = view.position - self._centres[front]
        behind = total(self._looks[front] * toward) < -0.3 * np.sqrt(total(toward * toward))
        depths += np.where(self._hair[front], np.where(behind, -radii, radii), 0.0)
        seen = Seen.nothing()
        seen.points.extend(outlines)
        seen.depths.extend(depths.tolist())
        for index in front.tolist():
            ball, colour = self._balls[index]
            seen.colours.append(colour)
            seen.edges.append(self._edges[index])
            seen.subjects.append(ball.subject)
            seen.heads.append(ball.head)
        return seen


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

    def visible(self, view: View) -> Seen:
        """The faces ``view`` sees: turned toward it and reaching into the frame, those
        wholly beyond the near plane as they are, the others cut at it."""
        if not len(self.corners):
            return Seen.nothing()
        facing = np.einsum("ij,ij->i", self.normals, view.position - self.centres) > 0
        camera = view.to_camera(self.corners.reshape(-1, 3)).reshape(-1, 4, 3)
        depth = camera[:, :, 2]
        nearest, farthest = least(depth), most(depth)
        whole = np.flatnonzero(facing & (nearest >= NEAR))
        projected = camera[whole] @ view.K.T
        pixels = projected[:, :, :2] / projected[:, :, 2:3]
        framed = np.flatnonzero(in_frame(pixels, view))
        whole, points = whole[framed], cv_points(pixels[framed])
        means = total(depth[whole]) / 4 - self.leads[whole]
        seen = Seen(list(points), means.tolist(), self.colours[whole].tolist(),
                    self.edges[whole].tolist(), self.subjects[whole].tolist(),
                    [False] * len(whole))
        for row in np.flatnonzero(facing & (farthest > NEAR) & (nearest < NEAR)).tolist():
            polygon = clip_near(camera[row])
            if len(polygon) >= 3:
                seen.points.append(cv_points(view.to_pixels(polygon)))
                seen.depths.append(float(polygon[:, 2].mean()))
                seen.colours.append(self.colours[row].tolist())
                seen.edges.append(self.edges[row].tolist())
                seen.subjects.append(int(self.subjects[row]))
                seen.heads.append(False)
        return seen


def sphere_outlines(centres: np.ndarray, radii: np.ndarray, k: np.ndarray,
                    count: int = OUTLINE_POINTS) -> np.ndarray:
    """``count`` pixels around the outline of each ball (camera-space ``centres`` (B, 3),
    wholly in front of the lens, ``radii`` (B,)) under the pinhole ``k``, (B, count, 2): the
    conic d·(c cᵀ - (|c|² - r²) I)·d = 0 of the rays d that graze it, taken to pixels through
    K⁻¹, an ellipse whose 2x2 algebra is written out for all balls at once."""
    inverse = inverse_of(k)
    cones = centres[:, :, None] * centres[:, None, :]
    cones -= ((centres * centres).sum(axis=1) - radii**2)[:, None, None] * np.eye(3)
    conics = -(inverse.T @ cones @ inverse)  # positive definite inside the outline
    a00, a01, a11 = conics[:, 0, 0], conics[:, 0, 1], conics[:, 1, 1]
    b0, b1, c = conics[:, 0, 2], conics[:, 1, 2], conics[:, 2, 2]
    det = a00 * a11 - a01 * a01
    mx, my = (a01 * b1 - a11 * b0) / det, (a01 * b0 - a00 * b1) / det  # -A⁻¹b
    level = a00 * mx * mx + 2 * a01 * mx * my + a11 * my * my - c
    half, spread = (a00 + a11) / 2, np.hypot((a00 - a11) / 2, a01)
    angle = 0.5 * np.arctan2(2 * a01, a00 - a11)  # the axis of the larger eigenvalue
    cos, sin = np.cos(angle), np.sin(angle)
    short, long = np.sqrt(level / (half + spread)), np.sqrt(level / (half - spread))
    ring = _circle(count)
    along = ring[None, :, :1] * short[:, None, None]  # (B, count, 1)
    across = ring[None, :, 1:] * long[:, None, None]
    return (np.stack([mx, my], axis=1)[:, None, :]
            + along * np.stack([cos, sin], axis=1)[:, None, :]
            + across * np.stack([-sin, cos], axis=1)[:, None, :])


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
