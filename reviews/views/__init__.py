"""The pages of an evaluation, one module per stage like `services/`."""
