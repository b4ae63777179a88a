"""Distances on the Earth: great-circle kilometres between points given in degrees.

The haversine formula on a sphere of the mean Earth radius is within about 0.5 % of
the ellipsoidal distance, far below the uncertainty of a threat zone's centre or a
weapon's reach, and it is what a planner checks with a ruler on a map.

References
----------
.. [1] R. W. Sinnott, "Virtues of the Haversine", Sky and Telescope 68(2), 159 (1984).
.. [2] H. Moritz, "Geodetic Reference System 1980", Journal of Geodesy 74, 128-133
   (2000): mean radius R1 = 6371.0088 km.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

#: mean Earth radius of the GRS80 / WGS84 ellipsoid, km
EARTH_RADIUS_KM = 6371.0088


def great_circle_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance between two points, in kilometres.

    Parameters
    ----------
    lat1, lon1 : float
        First point, decimal degrees (WGS84).
    lat2, lon2 : float
        Second point, decimal degrees (WGS84).

    Returns
    -------
    float
        The haversine distance on a sphere of radius :data:`EARTH_RADIUS_KM`, in km,
        from 0 to half the Earth's circumference.

    Examples
    --------
    One degree of longitude on the equator, and pole to equator:

    >>> round(great_circle_km(0.0, 0.0, 0.0, 1.0), 3)
    111.195
    >>> round(great_circle_km(90.0, 0.0, 0.0, 0.0), 1)
    10007.6
    """
    # one code path for both, so a distance checked by hand equals the one the model uses
    return float(distance_matrix_km([lat1], [lon1], [lat2], [lon2])[0, 0])


def distance_matrix_km(
    lats_a: npt.ArrayLike,
    lons_a: npt.ArrayLike,
    lats_b: npt.ArrayLike,
    lons_b: npt.ArrayLike,
) -> npt.NDArray[np.float64]:
    """Great-circle distances from every point of set A to every point of set B, in km.

    Parameters
    ----------
    lats_a, lons_a : array_like of float
        Points of A, decimal degrees; the same length.
    lats_b, lons_b : array_like of float
        Points of B, decimal degrees; the same length.

    Returns
    -------
    numpy.ndarray
        Shape ``(len(A), len(B))``; entry ``[i, j]`` is
        ``great_circle_km(lats_a[i], lons_a[i], lats_b[j], lons_b[j])``.

    Raises
    ------
    ValueError
        When the latitudes and longitudes of one set differ in length.

    Examples
    --------
    >>> distance_matrix_km([0.0, 0.0], [0.0, 1.0], [0.0], [0.0]).round(3)
    array([[  0.   ],
           [111.195]])
    """
    lat_a, lon_a = _radians(lats_a, lons_a)
    lat_b, lon_b = _radians(lats_b, lons_b)
    dphi = lat_b[np.newaxis, :] - lat_a[:, np.newaxis]
    dlambda = lon_b[np.newaxis, :] - lon_a[:, np.newaxis]
    h = (
        np.sin(dphi / 2) ** 2
        + np.cos(lat_a)[:, np.newaxis] * np.cos(lat_b)[np.newaxis, :] * np.sin(dlambda / 2) ** 2
    )
    distances: npt.NDArray[np.float64] = (
        2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0)))
    )
    return distances


def _radians(
    lats: npt.ArrayLike, lons: npt.ArrayLike
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    lat = np.radians(np.asarray(lats, dtype=np.float64).reshape(-1))
    lon = np.radians(np.asarray(lons, dtype=np.float64).reshape(-1))
    if lat.shape != lon.shape:
        raise ValueError(f"{lat.size} latitudes but {lon.size} longitudes")
    return lat, lon
