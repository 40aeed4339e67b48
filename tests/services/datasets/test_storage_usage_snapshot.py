"""An account's storage usage is read in one snapshot. An upload ends in two transactions:
its dataset's row gets the size, then its reservation (the bytes counted while they streamed)
is dropped. Summed in several statements, a charge made between those two commits could read
the datasets before the first and the reservations after the second, count the upload in
neither and let a second upload slip under the quota (a CI run saw both of two racing
uploads accepted). Here the two commits land exactly between the reader's statements."""

from __future__ import annotations

import uuid

from sqlalchemy import delete, event, update

from common.db import Database
from services.datasets.models import Dataset, StorageReservation
from services.datasets.storage_quota import reserve, used_bytes


async def test_an_upload_finishing_while_usage_is_read_is_counted(ds, datasets_config):
    owner = await ds.user()
    project = await ds.project(owner.md)
    data = b"a,b\n" + b"".join(b"%d,x%d\n" % (i, i % 7) for i in range(200))
    dataset = await ds.upload(owner.md, project.id, data)
    account, dataset_id = uuid.UUID(owner.id), uuid.UUID(dataset.id)
    db = Database(str(datasets_config["database_url"]))
    finisher = Database(str(datasets_config["database_url"]))
    reservation = uuid.uuid4()

    def streaming(session) -> None:  # the state while the upload's bytes still stream
        session.execute(update(Dataset).where(Dataset.id == dataset_id).values(size_bytes=0))
        reserve(
            session=session,
            reservation_id=reservation,
            account_id=account,
            more_bytes=len(data),
            quota_bytes=0,
        )

    def finish_upload() -> None:  # as the service ends an upload: two transactions
        finisher.run(
            lambda session: session.execute(
                update(Dataset).where(Dataset.id == dataset_id).values(size_bytes=len(data))
            )
        )
        finisher.run(
            lambda session: session.execute(
                delete(StorageReservation).where(StorageReservation.id == reservation)
            )
        )

    try:
        db.run(streaming)
        assert db.run(used_bytes, account_id=account) == len(data)
        finished = False

        def after_each_statement(_conn, _cursor, statement: str, *_args) -> None:
            nonlocal finished
            if not finished and "sum(" in statement.lower():  # the first read of the sum
                finished = True
                finish_upload()

        event.listen(db.engine, "after_cursor_execute", after_each_statement)
        try:
            seen = db.run(used_bytes, account_id=account)
        finally:
            event.remove(db.engine, "after_cursor_execute", after_each_statement)
        assert finished
        # Either before the upload finished (its reservation) or after (its dataset's size),
        # once or, between the two commits, twice: never not at all.
        assert seen in (len(data), 2 * len(data)), seen
        assert db.run(used_bytes, account_id=account) == len(data)
    finally:
        db.engine.dispose()
        db.read_engine.dispose()
        finisher.engine.dispose()
        finisher.read_engine.dispose()
