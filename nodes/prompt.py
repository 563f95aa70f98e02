"""Prompt: the words a shot is rendered from."""

from __future__ import annotations

from previz.api import (
    ExecuteContext,
    NodeSpec,
    NodeType,
    Output,
    Param,
    ParamKind,
    PortType,
    PromptValue,
)

STYLES = ("none", "photoreal", "cinematic", "documentary", "animation", "storyboard sketch",
          "noir")

SPEC = NodeSpec(
    id="previz.prompt",
    version=1,
    display_name="Prompt",
    category="Shot",
    description="What the shot shows, what it must not show, and a style preset.",
    params=(
        Param("name", ParamKind.STRING, "", "Name",
              "What the node is called on the canvas, the timeline and in messages.",
              affects_render=False),
        Param("text", ParamKind.TEXT, "", "Prompt",
              "What the shot shows: subjects, action, place, time of day, light."),
        Param("negative", ParamKind.TEXT, "", "Negative", "What the shot must not show."),
        Param("style", ParamKind.CHOICE, "none", "Style", "A style preset added to the prompt.",
              choices=STYLES),
    ),
    outputs=(Output("prompt", PortType.PROMPT, "Prompt"),),
)



def execute(ctx: ExecuteContext) -> PromptValue:
    """The prompt's words as they flow to shots."""
    return PromptValue(ctx.params["text"], ctx.params["negative"], ctx.params["style"])


PROMPT = NodeType(SPEC, execute)
