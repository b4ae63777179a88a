"""Great-circle distances: known values, symmetry, the triangle inequality."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from defplan.geo import EARTH_RADIUS_KM, distance_matrix_km, great_circle_km

latitudes = st.floats(-90.0, 90.0)
longitudes = st.floats(-180.0, 180.0)
points = st.tuples(latitudes, longitudes)
HALF_CIRCUMFERENCE_KM = math.pi * EARTH_RADIUS_KM


def test_one_degree_on_the_equator_is_the_radius_times_pi_over_180() -> None:
    assert great_circle_km(0.0, 0.0, 0.0, 1.0) == pytest.approx(EARTH_RADIUS_KM * math.pi / 180)


def test_pole_to_equator_is_a_quarter_circumference() -> None:
    assert great_circle_km(90.0, 0.0, 0.0, 123.0) == pytest.approx(HALF_CIRCUMFERENCE_KM / 2)


def test_antipodes_are_half_a_circumference_apart() -> None:
    assert great_circle_km(33.3, 44.4, -33.3, 44.4 - 180.0) == pytest.approx(HALF_CIRCUMFERENCE_KM)


def test_baghdad_to_erbil_matches_the_published_distance() -> None:
    # about 322 km by great circle between the two city centres
    assert great_circle_km(33.3152, 44.3661, 36.1911, 44.0092) == pytest.approx(322, abs=2)


def test_the_dateline_is_no_barrier() -> None:
    assert great_circle_km(0.0, 179.5, 0.0, -179.5) == pytest.approx(
        great_circle_km(0.0, 0.0, 0.0, 1.0)
    )


def test_matrix_has_one_row_per_point_of_a_and_one_column_per_point_of_b() -> None:
    matrix = distance_matrix_km([0.0, 10.0, 20.0], [0.0, 0.0, 0.0], [0.0, 5.0], [0.0, 5.0])
    assert matrix.shape == (3, 2)
    assert matrix[0, 0] == 0.0


def test_matrix_of_empty_sets_is_empty() -> None:
    assert distance_matrix_km([], [], [1.0], [2.0]).shape == (0, 1)


def test_unequal_latitudes_and_longitudes_are_refused() -> None:
    with pytest.raises(ValueError, match="2 latitudes but 1 longitudes"):
        distance_matrix_km([0.0, 1.0], [0.0], [0.0], [0.0])


@given(points, points)
def test_distance_is_symmetric_non_negative_and_at_most_half_the_circumference(
    a: tuple[float, float], b: tuple[float, float]
) -> None:
    there = great_circle_km(*a, *b)
    assert there == pytest.approx(great_circle_km(*b, *a), abs=1e-6)
    assert 0.0 <= there <= HALF_CIRCUMFERENCE_KM + 1e-6


@given(points, points, points)
def test_triangle_inequality(
    a: tuple[float, float], b: tuple[float, float], c: tuple[float, float]
) -> None:
    direct = great_circle_km(*a, *c)
    assert direct <= great_circle_km(*a, *b) + great_circle_km(*b, *c) + 1e-6


@given(st.lists(points, min_size=1, max_size=5), st.lists(points, min_size=1, max_size=5))
def test_matrix_entries_equal_the_pairwise_distance(
    a: list[tuple[float, float]], b: list[tuple[float, float]]
) -> None:
    matrix = distance_matrix_km(
        [p[0] for p in a], [p[1] for p in a], [q[0] for q in b], [q[1] for q in b]
    )
    expected = np.array([[great_circle_km(*p, *q) for q in b] for p in a])
    np.testing.assert_allclose(matrix, expected, rtol=1e-12, atol=1e-9)
