"""SDV's metadata detection child stays warm between uploads (an upload no longer pays its
start), and a killed, frozen or idle child costs at most one upload its SDV verdict, never
the next one's."""

from __future__ import annotations

import os
import signal
from concurrent.futures import ThreadPoolExecutor

import pandas as pd
import psutil
import pytest

from services.datasets.ingest import sdv_detection
from services.datasets.ingest.sdv_detection import DetectionChild, SdvDetection, _ipc_bytes

PEOPLE = pd.DataFrame(
    {
        "customer_id": [f"C{i:05d}" for i in range(200)],
        "email": [f"person{i}@example.org" for i in range(200)],
        "tier": ["gold", "silver", "bronze", "none"] * 50,
    }
)
EXPECTED = (
    {
        "customer_id": {"sdtype": "id"},
        "email": {"sdtype": "email"},
        "tier": {"sdtype": "categorical"},
    },
    "customer_id",
)


def _verdict() -> tuple[dict[str, dict], str | None]:
    with SdvDetection() as detection:
        return detection.columns(PEOPLE)


def _detection_children() -> list[psutil.Process]:
    """This process's running SDV detection children."""
    found = []
    for child in psutil.Process().children():
        try:
            if child.status() != psutil.STATUS_ZOMBIE and (
                "services.datasets.ingest.sdv_child" in child.cmdline()
            ):
                found.append(child)
        except psutil.NoSuchProcess:
            continue
    return found


def _kill_detection_children() -> None:
    for child in _detection_children():
        child.kill()
        child.wait(30)


def test_uploads_in_a_row_are_answered_by_one_warm_child() -> None:
    assert _verdict() == EXPECTED
    (warm,) = _detection_children()
    assert _verdict() == EXPECTED
    assert _verdict() == EXPECTED
    assert [c.pid for c in _detection_children()] == [warm.pid]


def test_a_child_is_replaced_after_its_share_of_tables(monkeypatch) -> None:
    monkeypatch.setattr(sdv_detection, "SDV_MAX_TABLES", 2)
    _kill_detection_children()
    assert _verdict() == EXPECTED
    (first,) = _detection_children()
    assert _verdict() == EXPECTED
    assert _verdict() == EXPECTED  # a third table: a new child
    (second,) = _detection_children()
    assert second.pid != first.pid
    assert not first.is_running()  # the old one stopped, not left behind


def test_a_killed_warm_child_is_replaced_at_the_next_upload() -> None:
    assert _verdict() == EXPECTED
    _kill_detection_children()
    assert _verdict() == EXPECTED
    assert len(_detection_children()) == 1


def test_a_frozen_child_costs_one_verdict_and_is_killed(monkeypatch) -> None:
    monkeypatch.setattr(sdv_detection, "SDV_TIMEOUT_SECONDS", 2)
    assert _verdict() == EXPECTED
    (frozen,) = _detection_children()
    os.kill(frozen.pid, signal.SIGSTOP)
    try:
        assert _verdict() == ({}, None)  # our own checks still type the columns
        assert not frozen.is_running()  # killed, not left frozen
    finally:
        if frozen.is_running():
            frozen.kill()
    monkeypatch.undo()  # a new child's imports take longer than 2 s on a busy machine
    assert _verdict() == EXPECTED


def test_an_idle_child_ends_by_itself_and_the_next_upload_starts_another(monkeypatch) -> None:
    monkeypatch.setattr(sdv_detection, "SDV_IDLE_SECONDS", 1.0)
    _kill_detection_children()
    assert _verdict() == EXPECTED
    (idle,) = _detection_children()
    assert idle.wait(60) == 0  # what it loaded goes back to the system
    assert _verdict() == EXPECTED
    assert [c.pid for c in _detection_children()] != [idle.pid]
    _kill_detection_children()  # started to end after 1 s: not the next test's warm child


def test_detections_at_once_each_get_their_verdict() -> None:
    """Threads of one process detecting together: one has the warm child, the others a
    child each of their own, stopped after their answer."""
    with ThreadPoolExecutor(3) as pool:
        verdicts = list(pool.map(lambda _: _verdict(), range(3)))
    assert verdicts == [EXPECTED] * 3
    assert len(_detection_children()) == 1


@pytest.mark.parametrize(
    "request_bytes",
    [b"", b"not an Arrow stream", _ipc_bytes(PEOPLE)[:100]],
    ids=["empty", "not Arrow", "cut short"],
)
def test_an_unreadable_table_gets_an_error_and_the_child_answers_the_next(
    request_bytes: bytes,
) -> None:
    child = DetectionChild(idle_seconds=60)
    try:
        assert "error" in child.ask(request_bytes, timeout=120)
        assert child.ask(_ipc_bytes(PEOPLE), timeout=120) == {
            "columns": EXPECTED[0],
            "primary_key": EXPECTED[1],
        }
    finally:
        child.stop()
    assert child.process.returncode == 0  # it ended at the end of its stdin
