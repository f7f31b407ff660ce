"""Where files live: the one module that knows the data directory's layout."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_DATA_DIR = REPO_ROOT / "data"
ENV_VAR = "CORRIDOR_DATA_DIR"


def resolve_data_dir(arg: str | os.PathLike[str] | None = None) -> Path:
    """Return the data directory: the argument, else $CORRIDOR_DATA_DIR, else the repo's data/."""
    if arg:
        return Path(arg).expanduser().resolve()
    env = os.environ.get(ENV_VAR)
    if env:
        return Path(env).expanduser().resolve()
    return DEFAULT_DATA_DIR


@dataclass(frozen=True)
class Layout:
    """Paths inside one data directory (see README, "The data directory")."""

    root: Path

    @property
    def raw_articles(self) -> Path:
        """Immutable article texts with their provenance sidecars."""
        return self.root / "raw" / "articles"

    @property
    def tidy(self) -> Path:
        """Tables rebuilt by `corridor build` from raw/."""
        return self.root / "tidy"

    @property
    def observations_csv(self) -> Path:
        return self.tidy / "observations.csv"

    @property
    def sources_csv(self) -> Path:
        return self.tidy / "sources.csv"

    @property
    def events_csv(self) -> Path:
        """The corridor's dated milestones, rebuilt by build from the raw articles (a new
        database's `events` are loaded from it; readers read the database)."""
        return self.tidy / "events.csv"

    @property
    def batches(self) -> Path:
        """Analysts' accepted changes, one folder per batch; never touched by build."""
        return self.root / "batches"

    @property
    def uploads(self) -> Path:
        """Uploaded files as received, named by content hash."""
        return self.root / "uploads"

    @property
    def pending(self) -> Path:
        """Batches waiting for a second analyst's approval; readers never see them."""
        return self.root / "pending"

    @property
    def settings(self) -> Path:
        """The data directory's settings (approval, time zone, idle timeout)."""
        return self.root / "settings.toml"

    @property
    def audit_log(self) -> Path:
        """Earlier versions' audit log (JSON lines), loaded into a new database's audit trail."""
        return self.root / "audit.log"

    @property
    def cache(self) -> Path:
        """Derived, disposable files (columnar caches); safe to delete."""
        return self.root / "cache"


def layout(arg: str | os.PathLike[str] | None = None) -> Layout:
    """Return the layout of the resolved data directory."""
    return Layout(resolve_data_dir(arg))
