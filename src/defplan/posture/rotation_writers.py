"""Writing what ``defplan rotate`` computes: rotation.csv and rotation_coverage.csv.

rotation.csv is the schedule, one row a day and one column a base (units of the
rotating system there that day); rotation_coverage.csv is the game, one row a base.
Both are written as one set (:func:`defplan.atomic.output_set`): both, or neither.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from defplan.atomic import output_set
from defplan.posture.rotation import Rotation
from defplan.safe_csv import write_csv, write_frame_csv

ROTATION_FILES = ("rotation.csv", "rotation_coverage.csv")


def coverage_frame(rotation: Rotation) -> pd.DataFrame:
    """Base by base: bounds, expected units, the attacker's damage, the fixed postures."""
    n = len(rotation.base_ids)
    rows = np.arange(n)
    units = rotation.coverage.units
    whole = np.minimum(np.floor(units + 1e-9).astype(np.int64), rotation.levels.shape[1] - 1)
    above = np.minimum(whole + 1, rotation.levels.shape[1] - 1)
    tied = set(rotation.indifferent)
    return pd.DataFrame(
        {
            "base_id": list(rotation.base_ids),
            "lower": rotation.lower,
            "upper": rotation.upper,
            "expected_units": units,
            "p_extra_unit": units - whole,
            "schedule_mean": rotation.frequency,
            "residual_fewer": rotation.levels[rows, whole],
            "residual_more": rotation.levels[rows, above],
            "attacker_damage": rotation.coverage.damage,
            "indifferent": [b in tied for b in rotation.base_ids],
            "pure_units": rotation.pure,
            "pure_residual": rotation.levels[rows, rotation.pure],
            "today_units": rotation.today,
        }
    )


def write_rotation(rotation: Rotation, out_dir: Path) -> list[Path]:
    """Write rotation.csv and rotation_coverage.csv into out_dir as one set."""
    out_dir = Path(out_dir)
    schedule_path, coverage_path = (out_dir / name for name in ROTATION_FILES)
    with output_set(out_dir):
        write_csv(
            schedule_path,
            ["day", *rotation.base_ids],
            ([day + 1, *row] for day, row in enumerate(rotation.schedule.tolist())),
        )
        write_frame_csv(coverage_frame(rotation), coverage_path)
    return [schedule_path, coverage_path]
