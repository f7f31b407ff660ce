"""etl/uploads/validating: the figure hashes of an upload's rows are computed once, in the
limited child, and are the hashes of the rows the parent receives."""

from __future__ import annotations

import numpy as np
import pytest
from uploads_support import SOURCE, csv_bytes

from etl.contract import identity
from etl.uploads.validating import parse_upload


def test_an_upload_carries_the_hashes_of_its_rows_from_the_child(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    upload = parse_upload(csv_bytes(30), "u.csv", {SOURCE})
    assert upload.known_hashes is not None
    expected = identity.figure_hashes(upload.rows)
    # The parent hashes nothing again: the child's hashes are the ones used.
    monkeypatch.setattr(
        "etl.uploads.upload.figure_hashes", lambda frame: pytest.fail("hashed again")
    )
    keys, pairs = upload.hashes
    assert np.array_equal(keys, expected[0]) and np.array_equal(pairs, expected[1])


def test_hashes_that_do_not_fit_the_rows_are_computed_again() -> None:
    upload = parse_upload(csv_bytes(5), "u.csv", {SOURCE})
    stale = (np.zeros(2, dtype=np.uint64), np.zeros(2, dtype=np.uint64))
    other = type(upload)(
        upload.name, upload.kind, upload.sha256, upload.data, upload.rows, known_hashes=stale
    )
    assert np.array_equal(other.hashes[0], identity.figure_hashes(upload.rows)[0])
