"""Interpolate: a bridge from one clip's last frame to another's first."""

from __future__ import annotations

from previz.api import (
    CameraPath,
    Clip,
    ConditioningImage,
    ExecuteContext,
    Input,
    NodeSpec,
    NodeType,
    Output,
    PortType,
    RenderRequest,
    SceneValue,
    Snapped,
    interpolate_poses,
    scene_from_params,
)
from previz_nodes.common import duration_param, seed_param, takes_param
from previz_nodes.rendering import backend_of, frame_count, render_settings, write_clip

SPEC = NodeSpec(
    id="previz.interpolate",
    version=1,
    display_name="Interpolate",
    category="Clip",
    description="Generated frames from A's last frame to B's first; A = B makes a loop.",
    inputs=(
        Input("clip_a", PortType.CLIP, label="Clip A"),
        Input("clip_b", PortType.CLIP, label="Clip B"),
    ),
    params=(
        duration_param("bridge_duration", "Bridge duration", 1.0,
                       "How long the bridge runs, in seconds."),
        seed_param(),
        takes_param(),
    ),
    outputs=(Output("clip", PortType.CLIP, "Clip"),),
    is_output=True,
    renders=True,
)

FIRST, LAST = "bridge:first", "bridge:last"


def execute(ctx: ExecuteContext, clip_a: Clip, clip_b: Clip) -> Clip:
    """In-betweens from A's last frame to B's first, at A's rate and size; the camera glides
    from A's last pose to B's first. A model renders both ends too, so the count snaps to what
    it renders with them; the bridge keeps every in-between, so it meets B. Two shots of one
    scene give the backend the scene too, its time running from A's last frame to B's first:
    the draft then draws the scene from each in-between camera instead of a dissolve, and
    where B opens on a plate (a painting) it dissolves into B's first frame at the end."""
    asked = frame_count(ctx.params["bridge_duration"], clip_a.fps)
    snapped = _snapped(ctx, clip_a, asked)
    frames = snapped.frames
    first = ctx.media.frame(clip_a, -1)
    last = ctx.media.frame(clip_b, 0)
    if (clip_b.width, clip_b.height) != (clip_a.width, clip_a.height):
        last = ctx.media.fit(last, clip_a.width, clip_a.height)
    path = _bridge_path(clip_a, clip_b, frames)
    scene, times, subjects = _shared_scene(clip_a, clip_b, frames)
    request = RenderRequest(
        prompt=clip_a.prompt, width=clip_a.width, height=clip_a.height, frame_count=frames,
        fps=clip_a.fps, seed=ctx.seed or 0, model=ctx.model, camera=path,
        conditioning=(ConditioningImage(FIRST, "first_frame"),
                      ConditioningImage(LAST, "last_frame")),
        images={FIRST: first, LAST: last}, source_clip=clip_a, bridge=True,
        scene=scene, scene_time=times[0], scene_end=times[1], subjects=subjects,
        ends_on_plate=scene is not None and bool(clip_b.provenance.get("plate")),
        **render_settings(clip_a),
    )
    provenance = {"bridge": [clip_a.key, clip_b.key], "loop": clip_a.key == clip_b.key,
                  "snapped": list(snapped.notes)}
    return write_clip(ctx, request, camera=path.to_json() if path else None,
                      provenance=provenance)


def _shared_scene(clip_a: Clip, clip_b: Clip,
                  frames: int) -> tuple[SceneValue | None, tuple[float, float | None], tuple]:
    """The scene both clips look into (``None`` unless both are shots of the same one), the
    scene times of the first and last in-between, and its subjects at the first."""
    params = clip_a.provenance.get("scene")
    if not params or params != clip_b.provenance.get("scene"):
        return None, (0.0, None), ()
    try:
        scene = scene_from_params(params)
        after = float(clip_a.provenance["scene_time"][0]) + (clip_a.frame_count - 1) / float(
            clip_a.fps)  # A's last frame (an extended A runs on past its shot's window)
        before = float(clip_b.provenance["scene_time"][0])
    except (KeyError, IndexError, TypeError, ValueError):
        return None, (0.0, None), ()
    step = (before - after) / (frames + 1)
    main = next((record.get("name", "") for record in clip_a.provenance.get("subjects", [])
                 if isinstance(record, dict) and record.get("main")), "")
    main = main if scene.names(main) else ""
    start = after + step
    return scene, (start, after + step * frames), scene.subjects_at(start, main)


def _snapped(ctx: ExecuteContext, clip: Clip, asked: int) -> Snapped:
    constraints = backend_of(ctx).constraints(ctx.model)
    frames = max(constraints.snap(asked + 2, clip.width, clip.height).frames - 2, 1)
    if frames == asked:
        return Snapped(frames, clip.width, clip.height)
    rule = f"{constraints.frame_multiple}k+1"
    return Snapped(frames, clip.width, clip.height,
                   (f"{frames} in-betweens, not {asked}: this model renders {rule} frames"
                    " counting both ends",))


def _bridge_path(clip_a: Clip, clip_b: Clip, frames: int) -> CameraPath | None:
    """Poses between A's last and B's first, those two left out (they are in A and B)."""
    if not (clip_a.camera and clip_b.camera):
        return None
    a, b = CameraPath.from_json(clip_a.camera), CameraPath.from_json(clip_b.camera)
    poses = interpolate_poses(a.pose(-1), b.pose(0), frames + 2)[1:-1]
    return CameraPath.from_poses(poses, clip_a.width, clip_a.height, a.sensor)


INTERPOLATE = NodeType(SPEC, execute)
