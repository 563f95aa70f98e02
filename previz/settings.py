"""One typed settings object: model library, clip store location and size, defaults."""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

import platformdirs

APP_NAME = "previz"
GIB = 1024**3


@dataclass
class Settings:
    """What a user may configure; environment variables override the settings file.

    ``PREVIZ_MODELS`` names the model library folder and ``PREVIZ_CACHE`` the clip store.
    The model backend reads the rest: ``model_dirs`` (more library folders, added by
    ``previz models scan``), ``default_model`` (for shots that name none), ``device`` and
    ``dtype`` (``auto``: CUDA in bfloat16, else Apple MPS, else the CPU in float32; the VAE
    always decodes in float32), ``offload`` (``auto``: the memory planner picks it and VAE
    tiling from the GPU's free memory and the model's size; ``none``; ``model`` or
    ``sequential`` on an accelerator; ``group`` anywhere), ``vae_tiling``, ``step_cache`` (the
    FirstBlockCache threshold, 0 for off; about 0.05 to 0.2), ``compile`` (``torch.compile``
    of the repeated transformer blocks), ``control`` (``depth+pose``, ``depth``, ``pose`` or
    ``layout``: the draft render a model that takes a control video follows), ``quality``
    (``final``: the model's full steps; ``preview``: a distilled model of the same family, or
    for Wan a 4-step distillation LoRA, where the library has one, else the step cache) and
    ``expect_gpu`` (``previz doctor`` fails without one).
    ``ray_address`` names the Ray cluster the app renders on (empty: this machine).
    """

    models_dir: Path = field(default_factory=lambda: Path(platformdirs.user_data_dir(APP_NAME))
                             / "models")
    cache_dir: Path = field(default_factory=lambda: Path(platformdirs.user_cache_dir(APP_NAME))
                            / "clips")
    cache_bytes: int = 20 * GIB
    memory_cache_bytes: int = 1 * GIB
    default_backend: str = "draft"
    model_dirs: list[str] = field(default_factory=list)
    default_model: str = ""
    device: str = "auto"
    dtype: str = "auto"
    offload: str = "auto"
    vae_tiling: bool = False
    step_cache: float = 0.0
    compile: bool = False
    control: str = "depth+pose"
    quality: str = "final"
    expect_gpu: bool = False
    ray_address: str = ""

    @classmethod
    def load(cls, path: Path | None = None, environ: dict[str, str] | None = None) -> Settings:
        """Settings from the file at ``path`` (default: the platform config dir) and the env."""
        path = path or settings_path()
        data: dict[str, Any] = {}
        if path.is_file():
            try:
                data = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError) as error:
                raise SettingsError(f"{path}: cannot read settings: {error}") from error
        settings = cls._from_dict(data if isinstance(data, dict) else {}, path)
        env = os.environ if environ is None else environ
        if env.get("PREVIZ_MODELS"):
            settings.models_dir = Path(env["PREVIZ_MODELS"])
        if env.get("PREVIZ_CACHE"):
            settings.cache_dir = Path(env["PREVIZ_CACHE"])
        return settings

    def save(self, path: Path | None = None) -> None:
        """Write the settings file."""
        path = path or settings_path()
        path.parent.mkdir(parents=True, exist_ok=True)
        data = {key: str(value) if isinstance(value, Path) else value
                for key, value in asdict(self).items()}
        path.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n", encoding="utf-8")

    @classmethod
    def _from_dict(cls, data: dict[str, Any], path: Path) -> Settings:
        settings = cls()
        for spec in fields(cls):
            if spec.name not in data:
                continue
            current = getattr(settings, spec.name)
            value = data[spec.name]
            if isinstance(current, Path) and isinstance(value, str):
                value = Path(value).expanduser()
            elif isinstance(current, float) and type(value) is int:
                value = float(value)
            elif type(value) is not type(current) or (
                    isinstance(value, list) and not all(isinstance(v, str) for v in value)):
                raise SettingsError(f"{path}: {spec.name} should be {type(current).__name__}")
            if spec.name in CHOICES and value not in CHOICES[spec.name]:
                raise SettingsError(f"{path}: {spec.name} should be one of"
                                    f" {', '.join(CHOICES[spec.name])}, not {value!r}")
            setattr(settings, spec.name, value)
        return settings

    def model_folders(self) -> list[Path]:
        """Every folder of the model library: ``models_dir``, then those added by a scan."""
        extra = [Path(folder).expanduser() for folder in self.model_dirs]
        return list(dict.fromkeys([self.models_dir, *extra]))


CHOICES = {
    "device": ("auto", "cuda", "mps", "cpu"),
    "dtype": ("auto", "bfloat16", "float16", "float32"),
    "offload": ("auto", "none", "model", "sequential", "group"),
    "control": ("depth+pose", "depth", "pose", "layout"),
    "quality": ("final", "preview"),
}


class SettingsError(Exception):
    """A settings file that cannot be used, naming the file and the setting."""


def settings_path() -> Path:
    """Where the settings file lives on this platform."""
    return Path(platformdirs.user_config_dir(APP_NAME)) / "settings.json"
