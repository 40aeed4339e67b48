"""Which replica ingests a table: the one holding its ingest lease.

Every replica of the datasets service resumes, at startup, the tables it finds INGESTING. A
replica starting while another is ingesting a table (a rolling update, a scale-up) found it
INGESTING too and ingested it again: attempt fencing kept the older attempt from writing
over the newer one's outcome, but both worked on the same upload and scratch files, and the
first one's work was thrown away. So an attempt runs only while its replica holds the
table's lease: a PostgreSQL session advisory lock, held for the attempt's lifetime on the
replica's lease connection. PostgreSQL frees it when that replica's process dies (its
connection closes), so a replica resumes exactly the tables whose owner is gone, with no
expiry to tune and no heartbeat to miss.
"""

from __future__ import annotations

from common.advisory import HeldLocks
from common.db import Database

NAMESPACE = "datasets.ingest"


def ingest_leases(db: Database) -> HeldLocks:
    """This replica's ingest leases, keyed by storage unit (a dataset, or one added table)."""
    return HeldLocks(db, NAMESPACE)
