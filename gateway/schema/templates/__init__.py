"""Templates and custom schemas (the training service): list, save, share, generate."""
