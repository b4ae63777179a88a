"""The weapon-target assignment special case: the text format, the mapping, exactness."""

from __future__ import annotations

import itertools
import math
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from defplan.model.wta_format import (
    MAX_PROBLEMS,
    WtaFormatError,
    WtaInstance,
    generate_wta,
    load_wta,
    read_wta,
    solve_wta,
    to_instance,
    write_wta,
    wta,
)

SMALL = """\
2 3 1
10
20
30
0 0 0.5
0 1 0.6
0 2 0.7
1 0 0.8
1 1 0.9
1 2 0.1
"""


@st.composite
def wta_instances(draw: st.DrawFn) -> WtaInstance:
    weapons = draw(st.integers(1, 4))
    targets = draw(st.integers(1, 4))
    values = draw(
        st.lists(
            st.floats(0.0, 1e6, allow_nan=False, allow_infinity=False),
            min_size=targets,
            max_size=targets,
        )
    )
    p = draw(
        st.lists(
            st.floats(0.0, 1.0, allow_nan=False),
            min_size=weapons * targets,
            max_size=weapons * targets,
        )
    )
    mu = draw(st.integers(0, 3))
    return WtaInstance(np.array(values), np.array(p).reshape(weapons, targets), mu)


def textbook(instance: WtaInstance, x: np.ndarray) -> float:
    """Σ_t V_t Π_w (1 − p_wt)^x_wt, written out loop by loop."""
    total = 0.0
    for t in range(instance.targets):
        survive = 1.0
        for w in range(instance.weapons):
            survive *= (1.0 - float(instance.p[w, t])) ** int(x[w, t])
        total += float(instance.values[t]) * survive
    return total


# ---------------------------------------------------------------- the text format


@settings(max_examples=60, deadline=None)
@given(wta_instances())
def test_write_then_read_is_exact(instance: WtaInstance) -> None:
    assert read_wta(write_wta(instance)) == instance


def test_generated_instances_round_trip_and_follow_the_ranges() -> None:
    instance = generate_wta(5, 8, 2, seed=3)
    assert read_wta(write_wta(instance)) == instance
    assert instance == generate_wta(5, 8, 2, seed=3)
    assert instance != generate_wta(5, 8, 2, seed=4)
    assert (instance.values == np.round(instance.values)).all()
    assert instance.values.min() >= 25 and instance.values.max() <= 100
    assert instance.p.min() >= 0.6 and instance.p.max() <= 0.9
    assert (instance.weapons, instance.targets, instance.mu) == (5, 8, 2)


def test_reader_forgives_layout() -> None:
    messy = (
        "# a WTA instance\r\n\r\n  2\t3   1  # W T mu\r\n10\r\n 20 \r\n30\r\n\r\n"
        "1 2 0.1\r\n0 0 0.5\r\n0 1 0.6 # comment\r\n0 2 0.7\r\n1 0 0.8\r\n1 1 0.9\r\n# end\r\n"
    )
    assert read_wta(messy) == read_wta(SMALL)
    parsed = read_wta(SMALL)
    assert parsed.values.tolist() == [10, 20, 30]
    assert parsed.p.tolist() == [[0.5, 0.6, 0.7], [0.8, 0.9, 0.1]]


def _replace_line(number: int, text: str) -> str:
    lines = SMALL.splitlines()
    lines[number - 1] = text
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", "the file is empty; expected the header line 'W T mu'"),
        ("# only a comment\n", "is empty"),
        (_replace_line(1, "2 3"), "line 1: '2 3': expected 3 integers 'W T mu'"),
        (_replace_line(1, "2 three 1"), "line 1: 'three' is not an integer; expected T"),
        (_replace_line(1, "0 3 1"), "line 1: 0 is below 1; expected W"),
        (_replace_line(1, "2 3 -1"), "line 1: -1 is below 0; expected mu"),
        (_replace_line(3, "-20"), "line 3: -20 is out of range; expected the value of target 1"),
        (_replace_line(3, "abc"), "line 3: 'abc' is not a number; expected the value of target 1"),
        (_replace_line(3, "nan"), "line 3: nan is out of range"),
        (_replace_line(3, "20 5"), "line 3: '20 5': expected one number, the value of target 1"),
        (
            _replace_line(5, "0 0 1.5"),
            "line 5: 1.5 is out of range; expected a probability in [0, 1]",
        ),
        (_replace_line(5, "0 0 -0.1"), "line 5: -0.1 is out of range"),
        (_replace_line(5, "0 0"), "line 5: '0 0': expected 'w t p'"),
        (_replace_line(5, "2 0 0.5"), "line 5: weapon type 2: expected 0..1 (W = 2)"),
        (_replace_line(5, "0 3 0.5"), "line 5: target 3: expected 0..2 (T = 3)"),
        (_replace_line(5, "0 x 0.5"), "line 5: 'x' is not an integer; expected a target 0..2"),
        (_replace_line(6, "0 0 0.5"), "line 6: pair (0, 0) already given on line 5"),
        ("\n".join(SMALL.splitlines()[:-1]), "ended after line 9; expected 1 more 'w t p' lines"),
        ("2 3 1\n10\n20\n", "ended after line 3; expected the value of target 2"),
        (SMALL + "1 2 0.3\n", "line 11: '1 2 0.3': expected the end of the file"),
    ],
)
def test_reader_names_the_line_and_what_was_expected(text: str, expected: str) -> None:
    with pytest.raises(ValueError) as caught:
        read_wta(text, "bad.txt")
    message = str(caught.value)
    assert message.startswith("bad.txt")
    assert expected in message


def test_every_bad_line_is_reported_at_once() -> None:
    text = (
        SMALL.replace("0 1 0.6", "0 1 1.3")
        .replace("1 1 0.9", "1 1 abc")
        .replace("\n20\n", "\n-2\n")
    )
    with pytest.raises(WtaFormatError) as caught:
        read_wta(text, "bad.txt")
    assert caught.value.problems == (
        (3, "-2 is out of range; expected the value of target 1"),
        (6, "1.3 is out of range; expected a probability in [0, 1]"),
        (9, "'abc' is not a number; expected a probability in [0, 1]"),
    )
    assert str(caught.value).splitlines() == [
        "bad.txt, line 3: -2 is out of range; expected the value of target 1",
        "bad.txt, line 6: 1.3 is out of range; expected a probability in [0, 1]",
        "bad.txt, line 9: 'abc' is not a number; expected a probability in [0, 1]",
    ]
    assert isinstance(caught.value, ValueError)


def test_a_bad_line_is_reported_with_every_problem_on_it_and_the_rest_read_on() -> None:
    text = _replace_line(5, "x 7 2") + "1 2 0.3\n"
    with pytest.raises(WtaFormatError) as caught:
        read_wta(text, "bad.txt")
    assert [line for line, _ in caught.value.problems] == [5, 5, 5, 11]
    message = str(caught.value)
    assert "line 5: 'x' is not an integer; expected a weapon type 0..1" in message
    assert "line 5: 2 is out of range; expected a probability" in message
    assert "line 5: target 7: expected 0..2" in message
    assert "line 11: '1 2 0.3': expected the end of the file" in message


def test_a_file_full_of_bad_lines_is_reported_up_to_the_cap() -> None:
    lines = ["10 10 1", *["5"] * 10, *(f"{w} {t} 2" for w in range(10) for t in range(10))]
    with pytest.raises(WtaFormatError) as caught:
        read_wta("\n".join(lines), "bad.txt")
    assert len(caught.value.problems) == MAX_PROBLEMS
    assert caught.value.more == 100 - MAX_PROBLEMS
    assert (
        str(caught.value).splitlines()[-1]
        == f"bad.txt: … and {100 - MAX_PROBLEMS} more problem(s) not shown"
    )


def test_an_unreadable_header_stops_the_reading_with_every_problem_in_it() -> None:
    with pytest.raises(WtaFormatError) as caught:
        read_wta(_replace_line(1, "two 0 -1") + "junk\n", "bad.txt")
    assert [line for line, _ in caught.value.problems] == [1, 1, 1]


def test_instance_checks_its_arrays() -> None:
    with pytest.raises(ValueError, match="must be"):
        WtaInstance(np.ones(3), np.ones((2, 4)) * 0.5, 1)
    with pytest.raises(ValueError, match="p must lie"):
        WtaInstance(np.ones(2), np.full((1, 2), 1.2), 1)
    with pytest.raises(ValueError, match="mu"):
        WtaInstance(np.ones(2), np.full((1, 2), 0.5), -1)


# ---------------------------------------------------------------- the mapping and solving


@settings(max_examples=60, deadline=None)
@given(wta_instances(), st.integers(0, 2**32 - 1))
def test_core_residual_is_the_textbook_objective(instance: WtaInstance, seed: int) -> None:
    rng = np.random.default_rng(seed)
    x = rng.integers(0, instance.mu + 1, size=(instance.weapons, instance.targets))
    core = to_instance(instance)
    assert core.value.shape == (instance.targets, instance.targets)
    expected = textbook(instance, x)
    assert math.isclose(core.objective_of(x.T), expected, rel_tol=1e-9, abs_tol=1e-9)
    assert math.isclose(instance.objective(x), expected, rel_tol=1e-9, abs_tol=1e-9)


def brute_force(instance: WtaInstance) -> float:
    """Every way each weapon type can spread its mu weapons, scored by the textbook formula."""
    spreads = [
        spread
        for spread in itertools.product(range(instance.mu + 1), repeat=instance.targets)
        if sum(spread) <= instance.mu
    ]
    best = math.inf
    for choice in itertools.product(spreads, repeat=instance.weapons):
        best = min(best, textbook(instance, np.array(choice)))
    return best


@pytest.mark.parametrize(("mu", "seed"), [(1, 0), (1, 1), (2, 2), (2, 3)])
def test_small_instances_are_solved_to_the_brute_force_optimum(mu: int, seed: int) -> None:
    instance = generate_wta(3, 3, mu, seed)
    solution = solve_wta(instance, time_limit=20.0)
    assert solution.status == "optimal"
    assert solution.x is not None
    optimum = brute_force(instance)
    assert math.isclose(solution.objective, optimum, rel_tol=1e-9)
    assert math.isclose(textbook(instance, solution.x.T), optimum, rel_tol=1e-9)
    assert solution.bound <= optimum * (1 + 1e-9)
    assert solution.greedy_objective >= optimum * (1 - 1e-12)


def test_mixed_probabilities_match_brute_force() -> None:
    # Not from the generator: p of 0 and 1, a target worth nothing, more weapons than targets.
    instance = WtaInstance(
        np.array([50.0, 0.0, 80.0]),
        np.array([[0.0, 0.9, 0.3], [1.0, 0.5, 0.5], [0.2, 0.2, 0.95], [0.7, 0.1, 0.6]]),
        1,
    )
    solution = solve_wta(instance, time_limit=20.0)
    assert solution.status == "optimal"
    assert math.isclose(solution.objective, brute_force(instance), rel_tol=1e-9, abs_tol=1e-9)


def test_wta_reads_the_file_and_reports_sizes(tmp_path: Path) -> None:
    path = tmp_path / "small.txt"
    path.write_text(SMALL)
    report = wta(path, time_limit=20.0)
    assert (report.weapons, report.targets, report.mu) == (2, 3, 1)
    assert report.solution.status == "optimal"
    # Weapon 1 (p 0.9) on target 1 and weapon 0 (p 0.7) on target 2 leave 10 + 2 + 9.
    assert math.isclose(report.solution.objective, 21.0)
    assert report.assignment is not None
    assert report.assignment.tolist() == [[0, 0, 1], [0, 1, 0]]
    assert report.solution.gap == 0.0


def test_bad_files_name_the_path(tmp_path: Path) -> None:
    path = tmp_path / "bad.txt"
    path.write_text(_replace_line(5, "0 0 2"))
    with pytest.raises(ValueError, match=r"bad\.txt, line 5: 2 is out of range"):
        wta(path)
    with pytest.raises(ValueError, match="cannot read the file"):
        load_wta(tmp_path / "missing.txt")
    binary = tmp_path / "binary.txt"
    binary.write_bytes(b"\xff\xfe\x00")
    with pytest.raises(ValueError, match="not a text file"):
        load_wta(binary)
