"""An upload as the store takes it: its checked rows and where they came from, read and checked
in a limited child (etl.uploads.sandbox) by etl.uploads.validating.

Kept apart from the readers and checks so that a process which only sends an upload to its
child and merges what comes back (`corridor ingest`) never imports them, nor pandera with them.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd

from etl.contract.errors import Problem
from etl.contract.identity import figure_digests, figure_hashes
from etl.uploads import sandbox
from etl.uploads.reading import DEFAULT_MAX_UNPACKED_BYTES, check_file_name, check_size


@dataclass(frozen=True)
class Upload:
    """A validated upload: its rows in the contract's types and where they came from."""

    name: str
    kind: str
    sha256: str
    data: bytes
    rows: pd.DataFrame
    # How cells were read where the file did not say it in the contract's own form (units
    # converted, months taken as days) and warnings that need a look; none refuses the file.
    notes: tuple[Problem, ...] = field(default=())
    # The rows' figure_hashes as the validation computed them (the child sends them back).
    known_hashes: tuple[np.ndarray, np.ndarray] | None = field(
        default=None, repr=False, compare=False
    )

    @cached_property
    def hashes(self) -> tuple[np.ndarray, np.ndarray]:
        """Return the rows' figure key and (key, value) hashes (identity.figure_hashes), once."""
        if self.known_hashes is not None and len(self.known_hashes[0]) == len(self.rows):
            return self.known_hashes
        return figure_hashes(self.rows)

    @cached_property
    def identities(self) -> list[str]:
        """Return the rows' figure identities as the store indexes them (figure_digests), once:
        the check's preview and the merge both use them."""
        return figure_digests(self.rows)


def parse_upload(
    data: bytes,
    name: str,
    known_sources: Iterable[str] | Callable[[], Iterable[str]],
    *,
    max_bytes: int | None = None,
    max_unpacked: int = DEFAULT_MAX_UNPACKED_BYTES,
    meanwhile: Callable[[], object] | None = None,
) -> Upload:
    """Return a validated upload from its bytes, or raise a CorridorError listing every problem.

    known_sources: the registered source ids, or a function reading them, called after the file
    is sent (the child reads it meanwhile and waits for the ids where it checks them);
    meanwhile: this process's own work done while the child reads (sandbox.run_limited)."""
    check_file_name(name)
    check_size(len(data), name, max_bytes)
    known = known_sources if callable(known_sources) else functools.partial(list, known_sources)
    # Parsed and checked in a limited child: a hostile file costs the child, never the server.
    kind, rows, notes, hashes = sandbox.run_limited(
        _read_and_validate,
        (data, name, max_bytes, max_unpacked),
        name,
        **sandbox.UPLOAD_LIMITS,
        meanwhile=meanwhile,
        later=known,
    )
    sha256 = hashlib.sha256(data).hexdigest()
    return Upload(name, kind, sha256, data, rows, tuple(notes), known_hashes=hashes)


# Rows the child checks and sends at a time: a multiple of the contract check's own chunk
# (row_checks.SCHEMA_CHUNK_ROWS), so each part is checked as in one whole-file check; five parts
# of a 200,000-row file keep this process inserting while the child checks the next.
PART_ROWS = 40_000
# A file smaller than this holds about one part (40,000 rows of CSV are ~4 MB, of a workbook
# ~1.7 MB): streamed, it would overlap nothing and only pay for the frames and their threads
# (+0.2 s for 10 rows), so it is read in one answer.
STREAM_MIN_BYTES = 2 * 1024 * 1024


def worth_streaming(data: bytes) -> bool:
    """Return whether an upload is large enough for stream_upload to gain over parse_upload."""
    return len(data) >= STREAM_MIN_BYTES


def stream_upload(
    data: bytes,
    name: str,
    known_sources: Iterable[str],
    on_rows: Callable[[str, pd.DataFrame, tuple[np.ndarray, np.ndarray]], None],
    *,
    max_bytes: int | None = None,
    max_unpacked: int = DEFAULT_MAX_UNPACKED_BYTES,
) -> tuple[str, tuple[Problem, ...]]:
    """Return an upload's kind and notes, calling on_rows(kind, rows, figure_hashes) for each part
    of its checked rows, in file order, while the limited child checks the next; or raise
    parse_upload's CorridorError (the parts passed already are the caller's to undo)."""
    check_file_name(name)
    check_size(len(data), name, max_bytes)
    kind, notes = sandbox.stream_limited(
        _read_and_validate_streamed,
        (data, name, list(known_sources), max_bytes, max_unpacked, PART_ROWS),
        name,
        lambda part: on_rows(*part),
        **sandbox.UPLOAD_LIMITS,
    )
    return kind, tuple(notes)


def _read_and_validate_streamed(*args: Any) -> tuple[str, list[Problem]]:
    """Return validating.read_and_validate_streamed(*args) (run in the limited child)."""
    from etl.uploads.validating import read_and_validate_streamed

    return read_and_validate_streamed(*args)


def _read_and_validate(
    data: bytes, name: str, max_bytes: int | None, max_unpacked: int, known: Iterable[str]
) -> tuple[str, pd.DataFrame, list[Problem], Any]:
    """Return validating.read_and_validate's answer (run in the limited child, which imported
    validating before its message came; the parent only names this function); known: the
    source ids, sent last (sandbox.LateValues)."""
    from etl.uploads.validating import read_and_validate

    return read_and_validate(data, name, known, max_bytes, max_unpacked)
