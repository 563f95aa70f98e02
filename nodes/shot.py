"""Shot: a scene or a prompt, a framing and a camera move rendered into a clip, in takes."""

from __future__ import annotations

from previz.api import (
    IDENTITY,
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
    SceneValue,
    ShotCamera,
    Subject,
    base_framing,
    camera_path,
    parse_fraction,
    parse_subjects,
    scene_identities,
    with_handles,
)
from previz_nodes.common import duration_param, seed_param, takes_param
from previz_nodes.placed import PLACED_PARAMS, base_moves, start_pose
from previz_nodes.rendering import (
    backend_of,
    camera_note,
    camera_words,
    frame_count,
    handle_frames,
    prompt_text,
    slate,
    with_camera,
    write_clip,
)

SHOT_SIZES = ("extreme_close_up", "close_up", "medium_close_up", "medium", "medium_wide", "full",
              "wide", "extreme_wide")
ANGLES = ("eye", "high", "low", "birds_eye", "worms_eye")
FRAMINGS = ("single", "two_shot", "over_the_shoulder")
SENSORS = ("super35", "full_frame", "alexa35", "super16")
DEFAULT_SUBJECTS = [
    {"name": "Actor", "kind": "person", "height": 1.75, "x": 0.0, "z": 0.0, "facing": 0.0,
     "main": True},
]

SPEC = NodeSpec(
    id="previz.shot",
    version=1,
    display_name="Shot",
    category="Shot",
    description="A shot: framing, lens and blocking, rendered from a prompt by a backend.",
    inputs=(
        Input("prompt", PortType.PROMPT, optional=True, label="Prompt"),
        Input("camera", PortType.CAMERA_MOVE, optional=True, label="Camera move"),
        Input("conditioning", PortType.CONDITIONING, optional=True, label="Images"),
        Input("scene", PortType.SCENE, optional=True, label="Scene"),
    ),
    params=(
        Param("scene", ParamKind.STRING, "010", "Scene", "Scene number, as on the slate."),
        Param("shot", ParamKind.STRING, "0010", "Shot", "Shot number, as on the slate."),
        Param("name", ParamKind.STRING, "", "Name", "A short name for the shot."),
        duration_param("duration", "Duration", 3.0, "How long the shot runs, in seconds."),
        Param("fps", ParamKind.FRACTION, None, "Frame rate",
              "Frames per second, such as 24000/1001; empty uses the project's rate.",
              minimum=1, maximum=120, inherit="rate"),
        Param("width", ParamKind.INT, None, "Width", "Frame width in pixels; empty: the project's.",
              minimum=64, maximum=8192, step=16, inherit="width"),
        Param("height", ParamKind.INT, None, "Height",
              "Frame height in pixels; empty: the project's.", minimum=64, maximum=8192, step=16,
              inherit="height"),
        Param("shot_size", ParamKind.CHOICE, "medium", "Shot size",
              "How much of the main subject fills the frame height.", choices=SHOT_SIZES),
        Param("angle", ParamKind.CHOICE, "eye", "Angle",
              "Eye level, high (looking down 15°), low (up 20°), bird's eye (down 60°),"
              " worm's eye (up 45°).", choices=ANGLES),
        Param("lens", ParamKind.FLOAT, 35.0, "Lens", "Focal length in millimetres.",
              minimum=8.0, maximum=600.0, step=1.0, unit="mm"),
        Param("sensor", ParamKind.CHOICE, "super35", "Sensor",
              "Super 35 (24.89 x 18.66 mm), full frame (36 x 24), Alexa 35, Super 16.",
              choices=SENSORS),
        Param("framing", ParamKind.CHOICE, "single", "Framing",
              "Single (the main subject, with looking room), two-shot (the main subject and the"
              " nearest other, both in frame), over-the-shoulder (onto the main subject, over"
              " the nearest other's shoulder).", choices=FRAMINGS),
        Param("turn_camera", ParamKind.BOOL, False, "Camera on its side",
              "Turn the camera 90° for a vertical frame, so 9:16 uses the sensor's width"
              " instead of a crop of its height."),
        Param("subjects", ParamKind.SUBJECTS, DEFAULT_SUBJECTS, "Subjects",
              "Who and what is in the shot, where they stand (metres) and which way they face;"
              " the main subject is framed."),
        Param("scene_in", ParamKind.FLOAT, 0.0, "Scene time in",
              "Where in the scene's time the shot starts, in seconds (with a Scene input).",
              minimum=0.0, maximum=86400.0, step=0.1, unit="s"),
        Param("subject", ParamKind.STRING, "", "Subject",
              "The character (or set piece) the camera frames, by name (with a Scene input;"
              " empty: the scene's first character)."),
        Param("side", ParamKind.FLOAT, 0.0, "Side",
              "Degrees the camera stands around its subject from the front, to its right seen"
              " from above (180: behind). An over-the-shoulder takes the side of the line from"
              " its sign: positive, the subject's right (over the other's left shoulder);"
              " negative, its left; 0, the side facing the audience.", minimum=-360.0,
              maximum=360.0, step=5.0, unit="°"),
        Param("over", ParamKind.STRING, "", "Over the shoulder of",
              "For an over-the-shoulder (or a two-shot): the character the camera looks past,"
              " by name (empty: the person nearest the subject)."),
        Param("handles", ParamKind.INT, 12, "Handles",
              "Frames rendered before and after the shot for an editor to trim into; the cut"
              " plays the frames between them.", minimum=0, maximum=240, step=1,
              unit="frames"),
        seed_param(),
        takes_param(),
        Param("backend", ParamKind.STRING, "draft", "Backend",
              "What renders the shot: draft (gray-box, any CPU) or diffusers (open video models)."),
        Param("model", ParamKind.STRING, "", "Model",
              "The model in the library to render with; empty: the backend's default."),
        Param("steps", ParamKind.INT, 30, "Steps", "Denoising steps for model backends.",
              minimum=1, maximum=200, step=1),
        Param("guidance", ParamKind.FLOAT, 0.0, "Guidance",
              "How closely a model follows the prompt; 0: the model's recommended guidance"
              " (Wan 5, Wan 2.2 A14B 4 and 3, LTX-Video 3).", minimum=0.0, maximum=30.0,
              step=0.5),
        Param("notes", ParamKind.TEXT, "", "Notes", "Notes for the edit and the shoot.",
              affects_render=False),
        Param("dialogue", ParamKind.TEXT, "", "Dialogue", "Lines spoken in the shot.",
              affects_render=False),
        *PLACED_PARAMS,
    ),
    outputs=(Output("clip", PortType.CLIP, "Clip"),),
    is_output=True,
    renders=True,
    one_of=(("prompt", "scene"),),
)

PLATE_ROLES = ("first_frame", "keyframe")


def execute(ctx: ExecuteContext, prompt: PromptValue | None = None,
            camera: tuple[MoveValue, ...] = (), conditioning: tuple[ConditioningImage, ...] = (),
            scene: SceneValue | None = None) -> Clip:
    """Frame the main subject, move the camera, and render the take through the backend.

    The frame count and size snap to what the backend's model renders; the clip records the
    adjustment, the camera path and the blocking, so Extend can carry on from it. A model that
    takes no control video hears the camera move described in the prompt, and the clip says so.
    """
    params = ctx.params
    backend = backend_of(ctx)
    fps = parse_fraction(params["fps"])
    wanted = frame_count(params["duration"], fps)
    snapped = backend.constraints(ctx.model).snap(wanted, params["width"], params["height"], fps)
    subjects = _subjects(params, scene)
    if not subjects:
        raise NodeError("a shot needs at least one subject to frame")
    try:
        framing = ShotCamera.from_params(
            {**params, "width": snapped.width, "height": snapped.height}, subjects)
    except ValueError as error:
        raise NodeError(f"the shot cannot be framed: {error}") from error
    try:
        path = camera_path(framing, (*base_moves(params), *camera), snapped.frames,
                           start=start_pose(params))
    except ValueError as error:
        raise NodeError(f"the camera move cannot be made: {error}") from error
    handles = handle_frames(backend.constraints(ctx.model), snapped, params["handles"], fps)
    if "handles" not in backend.capabilities(ctx.model):
        # A model's frame budget (81 frames for Wan) and its GPU time go to the shot itself,
        # and its images would be pinned to frames it counts from the handles: the export
        # holds the ends for an editor instead, and its report says so.
        handles = 0
    text = _prompt(prompt, scene)
    words = camera_words(backend, ctx.model, camera)
    identities = scene_identities(scene, params["subject"]) if scene is not None else ()
    request = RenderRequest(
        prompt=with_camera(text, words), negative=prompt.negative if prompt else "",
        width=snapped.width, height=snapped.height, frame_count=snapped.frames + 2 * handles,
        fps=fps, seed=ctx.seed or 0, steps=params["steps"], guidance=params["guidance"],
        model=ctx.model, camera=with_handles(path, handles, handles), conditioning=conditioning,
        handles=(handles, handles),
        images={item.asset: ctx.media.image(item.asset) for item in (*conditioning, *identities)},
        subjects=subjects, slate=slate(params, camera, text),
        scene=scene, scene_time=params["scene_in"] if scene is not None else 0.0,
        extra={IDENTITY: identities} if identities else {},
    )
    provenance = {
        "subjects": _subject_records(params, scene, subjects), "requested_frames": wanted,
        "snapped": list(snapped.notes), "slate": list(request.slate),
        "plate": any(item.role in PLATE_ROLES for item in conditioning), **camera_note(words),
    }
    if scene is not None:  # what an Interpolate needs to look into the scene between shots
        provenance["scene"] = scene.to_params()
        provenance["scene_time"] = [params["scene_in"],
                                    params["scene_in"] + (snapped.frames - 1) / float(fps)]
    note = base_framing(framing).note
    if note:
        provenance["framing_note"] = note
    return write_clip(ctx, request, camera=path.to_json(), provenance=provenance, prompt=text,
                      handles=(handles, handles))


def _subjects(params: dict, scene: SceneValue | None) -> tuple[Subject, ...]:
    """The blocking at the shot's in point: the scene's, else the shot's own table."""
    if scene is None:
        return tuple(parse_subjects(params["subjects"]))
    if params["subject"] and not scene.names(params["subject"]):
        raise NodeError(f"scene {scene.number} has no character {params['subject']!r} to frame")
    return scene.subjects_at(params["scene_in"], params["subject"])


def _subject_records(params: dict, scene: SceneValue | None,
                     subjects: tuple[Subject, ...]) -> list[dict]:
    if scene is None:
        return params["subjects"]
    return [subject.to_record() for subject in subjects]


def _prompt(prompt: PromptValue | None, scene: SceneValue | None) -> str:
    """The scene's words, then a linked prompt's; one of the two is needed."""
    if scene is None and prompt is None:
        raise NodeError("a shot needs a Scene or a Prompt connected")
    words = [scene.prompt()] if scene is not None else []
    if prompt is not None:
        words.append(prompt_text(prompt))
    return " ".join(word for word in words if word)


SHOT = NodeType(SPEC, execute)
