"""Process-wide seeding shared by every engine."""

import random

import numpy as np
import torch


def seed_everything(seed: int) -> None:
    """Seed Python, NumPy and torch, the generators SDV, ctgan and ARGN draw from."""
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
