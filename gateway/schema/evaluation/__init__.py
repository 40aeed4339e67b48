"""Reports on synthetic batches: quality, fidelity, ML utility, privacy, charts.

Scores and the verdict are typed; the nested details (per-column scores, correlation
matrices, chart data) are JSON, in the shape of the downloadable JSON report.
`report_for_batch` is what the Batch type resolves qualityScore / privacyVerdict / report
through, one GetReport call per batch and request."""
