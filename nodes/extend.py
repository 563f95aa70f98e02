"""Extend: continue a clip for a while longer, from where it ends."""

from __future__ import annotations

from previz.api import (
    CameraPath,
    Clip,
    ConditioningImage,
    ExecuteContext,
    Input,
    MoveValue,
    NodeError,
    NodeSpec,
    NodeType,
    Output,
    Param,
    ParamKind,
    PortType,
    PromptValue,
    RenderRequest,
    ShotCamera,
    Subject,
    camera_path,
    continue_path,
    moves_label,
    parse_subjects,
)
from previz_nodes.common import duration_param, seed_param, takes_param
from previz_nodes.rendering import (
    ClipTail,
    backend_of,
    camera_note,
    camera_words,
    frame_count,
    prompt_text,
    render_settings,
    with_camera,
    write_clip,
)

SPEC = NodeSpec(
    id="previz.extend",
    version=2,  # 2: holds a landed push-in or zoom; eases its move in from a camera at rest
    display_name="Extend",
    category="Clip",
    description="The clip, then its continuation: same subjects, the camera carrying on from its"
                " last pose.",
    inputs=(
        Input("clip", PortType.CLIP, label="Clip"),
        Input("prompt", PortType.PROMPT, optional=True, label="Prompt (else the clip's)"),
        Input("camera", PortType.CAMERA_MOVE, optional=True, label="Camera move"),
    ),
    params=(
        duration_param("added_duration", "Added duration", 2.0,
                       "How much longer the clip runs, in seconds."),
        Param("context_frames", ParamKind.INT, 8, "Context frames",
              "How many of the clip's last frames the continuation sees.",
              minimum=1, maximum=81, step=1),
        seed_param(),
        takes_param(),
    ),
    outputs=(Output("clip", PortType.CLIP, "Clip"),),
    is_output=True,
    renders=True,
)

LAST_FRAME = "clip:last"


def execute(ctx: ExecuteContext, clip: Clip, prompt: PromptValue | None = None,
            camera: tuple[MoveValue, ...] = ()) -> Clip:
    """The clip, then a continuation rendered from its last camera pose with its subjects.

    A model backend sees the clip's last ``context_frames`` frames and renders with the steps
    and guidance of the clip's own render.
    """
    backend = backend_of(ctx)
    added = frame_count(ctx.params["added_duration"], clip.fps)
    frames = backend.constraints(ctx.model).snap(added, clip.width, clip.height).frames
    previous = _path_of(clip)
    subjects = tuple(parse_subjects(clip.provenance.get("subjects") or []))
    try:
        path = _continuation(previous, clip, camera, frames)
    except ValueError as error:
        raise NodeError(f"the camera move cannot be made: {error}") from error
    plate = bool(clip.provenance.get("plate")) or previous is None
    conditioning = (ConditioningImage(LAST_FRAME, "first_frame"),) if plate else ()
    text = prompt_text(prompt) if prompt is not None else clip.prompt
    slate = tuple(clip.provenance.get("slate") or ("", text))
    words = camera_words(backend, ctx.model, camera)
    request = RenderRequest(
        prompt=with_camera(text, words), negative=prompt.negative if prompt else "",
        width=clip.width, height=clip.height, frame_count=frames, fps=clip.fps,
        seed=ctx.seed or 0, model=ctx.model, camera=path, conditioning=conditioning,
        images={LAST_FRAME: ctx.media.frame(clip, -1)}, source_clip=clip,
        context_frames=ClipTail(ctx.media, clip, ctx.params["context_frames"]),
        subjects=subjects if previous is not None else (),
        slate=(f"{slate[0]}   extended: {moves_label(camera)}", text), **render_settings(clip),
    )
    whole = _joined(previous, path, clip)
    # The timeline plays the requested frames: the clip's, then the continuation asked for.
    provenance = {**clip.provenance, "plate": plate, "extended_from": clip.key,
                  "added_frames": frames, "requested_frames": clip.frame_count + added}
    provenance.pop("camera_prompt", None)
    provenance.update(camera_note(words))
    return write_clip(ctx, request, head=clip, camera=whole,
                      provenance=provenance, prompt=text)


def _path_of(clip: Clip) -> CameraPath | None:
    if not clip.camera:
        return None
    try:
        return CameraPath.from_json(clip.camera)
    except ValueError as error:
        raise NodeError(f"the clip's camera path is unreadable: {error}") from error


def _continuation(previous: CameraPath | None, clip: Clip, moves: tuple[MoveValue, ...],
                  frames: int) -> CameraPath:
    """The camera of the added frames; its first pose is the clip's last, so it is dropped."""
    if previous is None:  # a clip with no camera (a Still): moves act on its last frame
        framing = ShotCamera(Subject("frame", main=True), "wide", width=clip.width,
                             height=clip.height)
        whole = camera_path(framing, moves, frames + 1)
    else:
        whole = continue_path(previous, moves, frames + 1)
    poses = [whole.pose(index) for index in range(1, frames + 1)]
    return CameraPath.from_poses(poses, whole.width, whole.height, whole.sensor)


def _joined(previous: CameraPath | None, added: CameraPath, clip: Clip) -> object:
    """The camera of the whole extended clip, when the source clip had one for every frame."""
    if previous is None or previous.frame_count != clip.frame_count:
        return None
    poses = [previous.pose(i) for i in range(previous.frame_count)]
    poses += [added.pose(i) for i in range(added.frame_count)]
    return CameraPath.from_poses(poses, added.width, added.height, added.sensor).to_json()


EXTEND = NodeType(SPEC, execute)
