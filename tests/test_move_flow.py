"""Move orders skip the flow solver only where its answer is forced, and then agree."""

from __future__ import annotations

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from defplan.posture.move_orders import _cheapest_flow, _forced_flow

SITES = st.dictionaries(st.sampled_from("abcdef"), st.integers(1, 4), max_size=3)


@settings(max_examples=150, deadline=None)
@given(
    surplus=SITES,
    deficit=SITES,
    spare=st.integers(0, 6),
    metres=st.lists(st.integers(0, 900_000), min_size=9, max_size=9),
)
def test_a_forced_flow_is_the_flow_the_solver_finds(
    surplus: dict[str, int], deficit: dict[str, int], spare: int, metres: list[int]
) -> None:
    deficit = {f"to_{b}": u for b, u in deficit.items()}  # a site gives or takes, not both
    # nothing to move, or more than the inventory: flow_orders never asks for a flow
    assume(surplus or deficit)
    assume(sum(deficit.values()) <= spare + sum(surplus.values()))
    cost = {(a, b): metres[i] for i, (a, b) in enumerate((a, b) for a in surplus for b in deficit)}
    forced = _forced_flow(surplus, deficit, spare)
    if not surplus or not deficit or len(surplus) == len(deficit) == 1:
        assert forced is not None
    if forced is not None:
        assert forced == _cheapest_flow("cram", surplus, deficit, spare, cost)
