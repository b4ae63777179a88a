"""One-off: rebuild ``borders.geojson`` (country outlines for the report's map).

Source: Natural Earth 1:110m Admin 0 countries (public domain, naturalearthdata.com),
as shipped in the ``geopandas`` wheels before 1.0 (``geopandas/datasets/naturalearth_lowres``).
The shapefile is read here with the standard library alone, so neither geopandas nor a
shapefile package is a dependency of defplan. To rebuild::

    pip download geopandas==0.14.4 --no-deps -d /tmp/ne
    cd /tmp/ne && unzip -o geopandas-0.14.4-py3-none-any.whl 'geopandas/datasets/*'
    python tools/build_borders.py \
        /tmp/ne/geopandas/datasets/naturalearth_lowres/naturalearth_lowres

Only countries whose outline reaches into :data:`BOX` are kept, with coordinates
rounded to 0.01 degree (about 1 km, far below the 1:110m scale's own error).
"""

from __future__ import annotations

import json
import struct
import sys
from pathlib import Path

#: (lon_min, lat_min, lon_max, lat_max): the Middle East and its neighbours
BOX = (20.0, 5.0, 70.0, 50.0)
#: where the package reads it (src/defplan/report/borders.py)
OUT = Path(__file__).resolve().parents[1] / "src/defplan/report/assets/borders.geojson"
Ring = list[tuple[float, float]]


def read_polygons(shp: Path) -> list[list[Ring]]:
    """Every record of a polygon shapefile (shape type 5) as its list of rings."""
    data = shp.read_bytes()
    records: list[list[Ring]] = []
    offset = 100
    while offset < len(data):
        _, length = struct.unpack(">ii", data[offset : offset + 8])
        body = data[offset + 8 : offset + 8 + 2 * length]
        offset += 8 + 2 * length
        (shape_type,) = struct.unpack("<i", body[:4])
        if shape_type == 0:
            records.append([])
            continue
        if shape_type != 5:
            raise ValueError(f"shape type {shape_type} is not a polygon")
        n_parts, n_points = struct.unpack("<ii", body[36:44])
        parts = list(struct.unpack(f"<{n_parts}i", body[44 : 44 + 4 * n_parts]))
        start = 44 + 4 * n_parts
        flat = struct.unpack(f"<{2 * n_points}d", body[start : start + 16 * n_points])
        points = list(zip(flat[0::2], flat[1::2], strict=True))
        ends = [*parts[1:], n_points]
        records.append([points[a:b] for a, b in zip(parts, ends, strict=True)])
    return records


def read_names(dbf: Path, column: str = "name") -> list[str]:
    """One column of a dBase III table, as text."""
    encoding = _encoding(dbf)
    data = dbf.read_bytes()
    n_records, header_size, record_size = struct.unpack("<IHH", data[4:12])
    fields: list[tuple[str, int]] = []
    position = 32
    while data[position] != 0x0D:
        name = data[position : position + 11].split(b"\0")[0].decode()
        fields.append((name, data[position + 16]))
        position += 32
    names = []
    for r in range(n_records):
        record = data[header_size + r * record_size : header_size + (r + 1) * record_size]
        cursor = 1  # the deletion flag
        for name, size in fields:
            if name == column:
                names.append(record[cursor : cursor + size].decode(encoding).strip())
            cursor += size
    return names


def _encoding(dbf: Path) -> str:
    """The text encoding the .cpg file beside the table names (Latin-1 without one)."""
    cpg = dbf.with_suffix(".cpg")
    return cpg.read_text().strip() if cpg.exists() else "latin-1"


def in_box(ring: Ring) -> bool:
    """Whether any point of ``ring`` lies inside :data:`BOX`."""
    lon_min, lat_min, lon_max, lat_max = BOX
    return any(lon_min <= x <= lon_max and lat_min <= y <= lat_max for x, y in ring)


def build(stem: Path) -> dict[str, object]:
    """The GeoJSON collection of the countries reaching into :data:`BOX`, by name."""
    features = []
    polygons = read_polygons(stem.with_suffix(".shp"))
    names = read_names(stem.with_suffix(".dbf"))
    for name, rings in sorted(zip(names, polygons, strict=True)):
        kept = [[[round(x, 2), round(y, 2)] for x, y in ring] for ring in rings if in_box(ring)]
        if kept:
            features.append(
                {
                    "type": "Feature",
                    "properties": {"name": name},
                    "geometry": {"type": "MultiLineString", "coordinates": kept},
                }
            )
    return {
        "type": "FeatureCollection",
        "source": "Natural Earth 1:110m Admin 0 countries (public domain)",
        "features": features,
    }


def main() -> None:
    """Build from the shapefile stem given on the command line and write :data:`OUT`."""
    collection = build(Path(sys.argv[1]))
    OUT.write_text(json.dumps(collection, separators=(",", ":")) + "\n", encoding="utf-8")
    countries = collection["features"]
    assert isinstance(countries, list)
    print(f"wrote {OUT} ({OUT.stat().st_size:,} bytes, {len(countries)} countries)")


if __name__ == "__main__":
    main()
