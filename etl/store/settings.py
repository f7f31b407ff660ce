"""The data directory's settings (settings.toml): approval, time zone, idle timeout."""

from __future__ import annotations

import tomllib
import zoneinfo
from dataclasses import dataclass

from etl.contract.errors import CorridorError
from etl.contract.paths import Layout

DEFAULT_TIME_ZONE = "Asia/Shanghai"
DEFAULT_IDLE_MINUTES = 30.0


@dataclass(frozen=True)
class Settings:
    """What settings.toml says, with defaults for what it does not."""

    require_approval: bool = False
    time_zone: str = DEFAULT_TIME_ZONE
    idle_timeout_minutes: float = DEFAULT_IDLE_MINUTES

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        """Return the time zone history is shown in."""
        return zoneinfo.ZoneInfo(self.time_zone)


def load_settings(layout: Layout) -> Settings:
    """Return the settings of a data directory (defaults when it has no settings.toml)."""
    path = layout.settings
    if not path.is_file():
        return Settings()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        approval = data.get("require_approval", False)
        zone = str(data.get("time_zone", DEFAULT_TIME_ZONE))
        idle = float(data.get("idle_timeout_minutes", DEFAULT_IDLE_MINUTES))
        if not isinstance(approval, bool) or not 1 <= idle <= 24 * 60:
            raise ValueError("require_approval must be true/false; idle 1–1440 minutes")
        zoneinfo.ZoneInfo(zone)
    except (tomllib.TOMLDecodeError, UnicodeDecodeError, ValueError, TypeError) as exc:
        raise CorridorError.single(
            f"settings.toml 无效：{exc}", f"settings.toml is invalid: {exc}", file=str(path)
        ) from None
    except zoneinfo.ZoneInfoNotFoundError:
        raise CorridorError.single(
            "settings.toml 的时区不存在", "settings.toml names an unknown time zone", value=zone
        ) from None
    return Settings(approval, zone, idle)
