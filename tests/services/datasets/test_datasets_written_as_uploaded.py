"""The datasets service keeps how an upload wrote its missing values and decimals (real gRPC,
PostgreSQL, NATS, storage): the dataset's metadata says `NA` and `8.0`'s one decimal, which
the training worker hands on to CSV downloads, and a metadata update keeps them."""

from __future__ import annotations

from synthetica.datasets.v1 import datasets_pb2 as pb

CSV = b"ozone,wind,temp\n41,7.4,67.0\nNA,8,72.5\n12,12.6,NA\nNA,11.5,62.0\n"


async def test_the_missing_token_and_decimals_are_kept_with_the_metadata(ds):
    md = (await ds.user()).md
    project = await ds.project(md)
    dataset = await ds.upload(md, project.id, CSV)
    assert dataset.status == pb.DATASET_STATUS_READY, dataset.error
    assert dataset.metadata.missing_value == "NA"
    decimals = {c.name: c.decimals for c in dataset.metadata.columns}
    assert decimals == {"ozone": 0, "wind": 0, "temp": 1}  # wind: 7.4 and 8, as R writes them

    updated = await ds.stub.UpdateDatasetMetadata(
        pb.UpdateDatasetMetadataRequest(
            dataset_id=dataset.id,
            metadata=pb.DatasetMetadata(
                columns=[pb.ColumnMetadata(name="temp", sdtype="numerical")]
            ),
        ),
        metadata=md,
    )
    again = await ds.stub.GetDataset(pb.GetDatasetRequest(dataset_id=dataset.id), metadata=md)
    for kept in (updated.dataset, again.dataset):
        assert kept.metadata.missing_value == "NA"
        assert {c.name: c.decimals for c in kept.metadata.columns}["temp"] == 1


async def test_a_file_with_empty_cells_has_no_token(ds):
    md = (await ds.user()).md
    project = await ds.project(md)
    dataset = await ds.upload(md, project.id, b"a,b\n1,x\n,y\n3,\n")
    assert dataset.status == pb.DATASET_STATUS_READY, dataset.error
    assert dataset.metadata.missing_value == ""


async def test_the_fewest_decimals_of_a_column_written_with_varying_ones_are_kept(ds):
    md = (await ds.user()).md
    project = await ds.project(md)
    # Stat2Data's Marathon as pandas writes it: Miles 5.0, 13.1, 5.25 (at least one decimal).
    upload = b"Miles,Laps,Wind\n5.0,3,7.4\n13.1,8,8\n5.25,3,12.6\n"
    dataset = await ds.upload(md, project.id, upload)
    assert dataset.status == pb.DATASET_STATUS_READY, dataset.error
    columns = {c.name: (c.decimals, c.least_decimals) for c in dataset.metadata.columns}
    assert columns == {"Miles": (0, 1), "Laps": (0, 0), "Wind": (0, 0)}
    await ds.stub.UpdateDatasetMetadata(
        pb.UpdateDatasetMetadataRequest(
            dataset_id=dataset.id,
            metadata=pb.DatasetMetadata(
                columns=[pb.ColumnMetadata(name="Miles", sdtype="numerical")]
            ),
        ),
        metadata=md,
    )
    again = await ds.stub.GetDataset(pb.GetDatasetRequest(dataset_id=dataset.id), metadata=md)
    assert {c.name: c.least_decimals for c in again.dataset.metadata.columns}["Miles"] == 1
