"""Coverage.within: a unit defends every base within range and the one it stands on."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from defplan.model import Coverage


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 7), st.integers(1, 4), st.floats(0.0, 100.0), st.integers(0, 2**32 - 1))
def test_within_covers_exactly_the_bases_in_range_block_by_block(
    n: int, block: int, range_km: float, seed: int
) -> None:
    distance_km = np.random.default_rng(seed).uniform(0.0, 100.0, (n, n))
    expected = {(h, b) for h in range(n) for b in range(n) if distance_km[h, b] <= range_km}
    expected |= {(b, b) for b in range(n)}
    whole = Coverage.within(distance_km, range_km)
    assert set(zip(whole.hosts.tolist(), whole.bases.tolist(), strict=True)) == expected
    blocks = [distance_km[i : i + block] for i in range(0, n, block)]
    parts = Coverage.within(iter(blocks), range_km)
    assert parts.hosts.tolist() == whole.hosts.tolist()
    assert parts.bases.tolist() == whole.bases.tolist()
