"""Shared test configuration."""

import os

from hypothesis import settings

# Deterministic property tests by default: the same examples on every run and every
# machine, no example database, no per-example deadline (CI machines vary in speed).
settings.register_profile("ci", derandomize=True, deadline=None, database=None, max_examples=60)
# HYPOTHESIS_PROFILE=thorough: many fresh random examples, for hunting edge cases.
settings.register_profile("thorough", deadline=None, database=None, max_examples=1500)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
