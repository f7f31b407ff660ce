"""Errors users see: always in Chinese and English, naming the file, row, column and value."""

from __future__ import annotations

from dataclasses import dataclass, field

# Kinds of problem code may act on (Problem.kind).
UNKNOWN_SOURCE = "unknown_source"


@dataclass
class Problem:
    """One problem in an input, located as precisely as the input allows."""

    zh: str
    en: str
    file: str | None = None
    row: int | None = None
    column: str | None = None
    value: str | None = None
    # What kind of problem it is, for code that acts on one kind (the page offering to register
    # the sources a file names): a constant below, never the English text.
    kind: str = ""

    def render(self) -> str:
        """Return the problem as one or two readable lines, Chinese first."""
        where = []
        if self.file:
            where.append(f"文件 file: {self.file}")
        if self.row is not None:
            where.append(f"行 row: {self.row}")
        if self.column:
            where.append(f"列 column: {_short(self.column)}")
        if self.value is not None:
            where.append(f"值 value: {_short(self.value)!r}")
        head = f"{self.zh} / {self.en}"
        return head + (f"\n    ({'; '.join(where)})" if where else "")


@dataclass
class CorridorError(Exception):
    """A refusal with every problem found, rendered bilingually for the CLI and the pages."""

    problems: list[Problem] = field(default_factory=list)

    @classmethod
    def single(
        cls,
        zh: str,
        en: str,
        *,
        file: str | None = None,
        row: int | None = None,
        column: str | None = None,
        value: str | None = None,
    ) -> CorridorError:
        """Return an error holding one problem."""
        return cls([Problem(zh, en, file=file, row=row, column=column, value=value)])

    def render(self) -> str:
        """Return every problem, numbered when there are several."""
        if len(self.problems) == 1:
            return "错误 Error: " + self.problems[0].render()
        lines = [f"错误 Error: 共 {len(self.problems)} 处问题 / {len(self.problems)} problems:"]
        lines += [f"  {i}. {p.render()}" for i, p in enumerate(self.problems, 1)]
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.render()


def _short(text: str, limit: int = 80) -> str:
    # A message quotes what it names, never a megabyte of it.
    return text if len(text) <= limit else text[: limit - 3] + "..."


# Kinds of refusal that pages, commands and tests tell apart by class, never by message text.
class ContradictionError(CorridorError):
    """A figure already held with another value, refused unless the change says replace."""


class UnknownSourceError(CorridorError):
    """Rows citing a source that is not registered (or was just undone)."""


class NotAnalystError(CorridorError):
    """A change asked for by someone who may not change data (not an analyst)."""


class LockedError(CorridorError):
    """A refusal because something is locked: the data directory, the accounts file or a login."""
