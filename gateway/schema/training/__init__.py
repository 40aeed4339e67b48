"""Engines, models, jobs and synthetic batches (the training service)."""
