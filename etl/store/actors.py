"""Who acts on the data: an Actor with a role. Managers read; analysts change data.

Every function that writes takes an Actor and refuses one that is not an analyst, so the check
does not depend on how a page was drawn.
"""

from __future__ import annotations

import getpass
import unicodedata
from dataclasses import dataclass, field

from etl.contract.errors import NotAnalystError

ANALYST = "analyst"
MANAGER = "manager"
ROLES = (ANALYST, MANAGER)
# Where a command finds the personal token it acts with (etl.store.accounts makes them).
TOKEN_ENV = "CORRIDOR_TOKEN"


@dataclass(frozen=True)
class Actor:
    """Someone acting on the data: a name for the record, a role and (if any) the account."""

    name: str
    role: str
    # The account's key (name_key) when the person proved an account; equality ignores it.
    account: str = field(default="", compare=False)
    admin: bool = field(default=False, compare=False)

    @property
    def is_analyst(self) -> bool:
        return self.role == ANALYST

    @property
    def key(self) -> str:
        """Return the account key this actor stands for (its name's key when no account)."""
        return self.account or name_key(self.name)


def name_key(name: str) -> str:
    """Return the key a name is unique by: NFKC, trimmed, case-folded (Alice = ａｌｉｃｅ)."""
    return unicodedata.normalize("NFKC", name).strip().casefold()


def os_user() -> str:
    """Return the operating system's user name ('' when it cannot be told)."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return ""


def require_analyst(actor: Actor | None) -> Actor:
    """Return the actor if it may change data, else refuse."""
    if actor is None or not isinstance(actor, Actor) or not actor.is_analyst:
        raise NotAnalystError.single(
            "只有分析员可以修改数据（请以分析员身份登录）",
            "only analysts may change data (log in as an analyst)",
        )
    return actor
