"""A spare engine child's rehearsal (see `services.training.engines.rehearsal`): it never
fails a job, so a rehearsal that broke would only log a warning and quietly give every job
its cold start back; these tests are what notices."""

import logging
import tempfile
from pathlib import Path

from services.training.engines.rehearsal import rehearse


def _leftovers() -> set[Path]:
    return set(Path(tempfile.gettempdir()).glob("rehearsal-*"))


def test_a_rehearsal_runs_through_and_leaves_nothing_behind(caplog):
    before = _leftovers()
    with caplog.at_level(logging.WARNING):
        rehearse()
    assert [record.getMessage() for record in caplog.records] == []
    assert _leftovers() == before


def test_a_rehearsal_that_fails_is_a_warning_not_an_error(caplog, monkeypatch):
    def broken(*_: object, **__: object) -> None:
        raise OSError("no space left on device")

    monkeypatch.setattr("services.training.engines.rehearsal.prepare", broken)
    with caplog.at_level(logging.WARNING):
        rehearse()
    assert "starts cold" in caplog.text
