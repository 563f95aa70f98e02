"""Cache keys (DESIGN §8): what changes the pictures changes the key, nothing else does."""

from __future__ import annotations

from dataclasses import replace
from fractions import Fraction

from engine_pack import GENERATE, PROMPT, SOURCE, TRANSFORM, Studio, add, wire

from previz.core.project import Project
from previz.core.registry import NodeRegistry
from previz.engine.backend import BackendInfo, Catalog, ModelInfo
from previz.engine.plan import PlannedNode, compile_plan


def chain(studio: Studio, position: tuple[float, float] = (0.0, 0.0),
          **source: object) -> tuple[Project, list[str]]:
    """prompt → source → transform, returning the project and the three ids in that order."""
    project = Project()
    prompt = add(project, studio.registry, PROMPT, position, text="a pier")
    clip = add(project, studio.registry, SOURCE, position, **{"seed": 4, **source})
    grade = add(project, studio.registry, TRANSFORM, position)
    wire(project, prompt, clip, "prompt")
    wire(project, clip, grade, "clip")
    return project, [prompt.id, clip.id, grade.id]


def planned(studio: Studio, project: Project, node_id: str,
            registry: NodeRegistry | None = None,
            catalog: Catalog | None = None) -> PlannedNode:
    plan = compile_plan(project, [node_id], registry=registry or studio.registry,
                        catalog=catalog or studio.backends.catalog())
    return plan.nodes[node_id]  # keys are planned even where a model is missing


def chain_keys(studio: Studio, project: Project, ids: list[str]) -> list[tuple[str, ...]]:
    return [planned(studio, project, node_id).keys for node_id in ids]


def test_keys_ignore_node_ids_and_positions(studio: Studio) -> None:
    one, one_ids = chain(studio)
    other, other_ids = chain(studio, (512.0, -90.0))
    assert set(one_ids).isdisjoint(other_ids)
    assert chain_keys(studio, one, one_ids) == chain_keys(studio, other, other_ids)


def test_the_circled_take_is_not_in_the_nodes_key_but_flows_downstream(studio: Studio) -> None:
    project, (prompt, clip, grade) = chain(studio, takes=3)
    before = chain_keys(studio, project, [prompt, clip, grade])
    project.circle_take(clip, 1)
    after = chain_keys(studio, project, [prompt, clip, grade])
    assert after[:2] == before[:2]
    assert after[2] != before[2]
    assert planned(studio, project, clip).key == before[1][1]


def test_takes_have_keys_of_their_own_and_more_takes_keep_the_first(studio: Studio) -> None:
    project, (_, clip, grade) = chain(studio)
    [single] = planned(studio, project, clip).keys
    downstream = planned(studio, project, grade).keys
    project.set_param(clip, "takes", 3)
    keys = planned(studio, project, clip).keys
    assert keys[0] == single and len(set(keys)) == 3
    assert planned(studio, project, grade).keys == downstream


def test_params_that_change_the_pictures_change_the_key(studio: Studio) -> None:
    project, (prompt, clip, grade) = chain(studio)
    base = chain_keys(studio, project, [prompt, clip, grade])
    for node_id, name, value in ((clip, "value", 101), (clip, "seed", 5), (clip, "frames", 7),
                                 (clip, "fps", "25"), (prompt, "text", "a jetty")):
        old = project.nodes[node_id].params.get(name)
        project.set_param(node_id, name, value)
        changed = chain_keys(studio, project, [prompt, clip, grade])
        assert changed[1] != base[1] and changed[2] != base[2], name
        project.set_param(node_id, name, old)
    assert chain_keys(studio, project, [prompt, clip, grade]) == base


def test_params_outside_the_pictures_and_fraction_spellings_keep_the_key(
    studio: Studio,
) -> None:
    project, (_, clip, grade) = chain(studio)
    base = planned(studio, project, grade).keys
    project.set_param(clip, "notes", "the light goes at six")
    project.set_param(clip, "fps", None)  # inherits the project's 24
    assert planned(studio, project, grade).keys == base
    for spelling in ("24", "24/1", 24, " 48/2 "):
        project.set_param(clip, "fps", spelling)
        assert planned(studio, project, grade).keys == base, spelling
    project.set_param(clip, "fps", None)
    project.settings.rate = Fraction(24000, 1001)  # the inherited value changed: so does the key
    assert planned(studio, project, grade).keys != base


def test_a_new_node_type_version_changes_the_key(studio: Studio) -> None:
    project, (_, clip, grade) = chain(studio)
    base = planned(studio, project, grade).keys
    newer = NodeRegistry()
    for node_type in studio.pack.NODES:
        spec = node_type.spec
        newer.register(replace(node_type, spec=replace(spec, version=2))
                       if spec.id == SOURCE else node_type)
    assert planned(studio, project, clip, newer).keys != planned(studio, project, clip).keys
    assert planned(studio, project, grade, newer).keys != base


def generate_project(studio: Studio) -> tuple[Project, str]:
    project = Project()
    node = add(project, studio.registry, GENERATE, model="tiny")
    return project, node.id


def catalog(version: str = "1.0", *models: ModelInfo) -> Catalog:
    return Catalog({"fake": BackendInfo("fake", version, {model.id: model for model in models})})


def test_the_backend_version_and_the_models_fingerprint_change_the_key(studio: Studio) -> None:
    project, node = generate_project(studio)
    tiny = ModelInfo("tiny", "test", "fp-1")
    base = planned(studio, project, node, catalog=catalog("1.0", tiny)).key
    assert planned(studio, project, node, catalog=catalog("1.1", tiny)).key != base
    retrained = ModelInfo("tiny", "test", "fp-2")
    assert planned(studio, project, node, catalog=catalog("1.0", retrained)).key != base


def test_keys_use_the_fingerprint_the_project_recorded(studio: Studio) -> None:
    project, node = generate_project(studio)
    here = planned(studio, project, node, catalog=catalog("1.0", ModelInfo("tiny", "t", "fp-1")))
    project.models["tiny"] = "fp-1"  # rendered with it, then sent to a machine without it
    elsewhere = planned(studio, project, node, catalog=catalog("1.0"))
    assert elsewhere.key == here.key and elsewhere.notes == ()

    changed = planned(studio, project, node,
                      catalog=catalog("1.0", ModelInfo("tiny", "t", "fp-9")))
    assert changed.key != here.key  # stale: the local model is not the one it rendered with
    assert changed.notes == ("model tiny has changed since this project rendered with it:"
                             " re-rendering",)


def test_a_shot_naming_no_model_is_keyed_by_the_backends_default(studio: Studio) -> None:
    project = Project()
    node = add(project, studio.registry, GENERATE, model="").id
    models = (ModelInfo("small", "t", "fp-s"), ModelInfo("large", "t", "fp-l"))

    def with_default(model: str) -> PlannedNode:
        infos = {info.id: info for info in models}
        return planned(studio, project, node,
                       catalog=Catalog({"fake": BackendInfo("fake", "1.0", infos, model)}))

    small, large = with_default("small"), with_default("large")
    assert (small.model, large.model) == ("small", "large")
    assert small.key != large.key  # a new default model re-renders the shots that use it
