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
    """

    models_dir: Path = field(default_factory=lambda: Path(platformdirs.user_data_dir(APP_NAME))
                             / "models")
    cache_dir: Path = field(default_factory=lambda: Path(platformdirs.user_cache_dir(APP_NAME))
                            / "clips")
    cache_bytes: int = 20 * GIB
    memory_cache_bytes: int = 1 * GIB
    default_backend: str = "draft"

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
            elif type(value) is not type(current):
                raise SettingsError(f"{path}: {spec.name} should be {type(current).__name__}")
            setattr(settings, spec.name, value)
        return settings


class SettingsError(Exception):
    """A settings file that cannot be used, naming the file and the setting."""


def settings_path() -> Path:
    """Where the settings file lives on this platform."""
    return Path(platformdirs.user_config_dir(APP_NAME)) / "settings.json"
