"""Projects (workspaces), their members, and datasets: upload, metadata, statistics, preview."""
