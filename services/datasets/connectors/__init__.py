"""Database connectors: a checked connection URL (``urls``), connecting to the address that
was checked with errors a person can act on (``connect``), importing a table or a read-only
query into typed Parquet (``source``), and exporting a batch with COPY (``sink``)."""
