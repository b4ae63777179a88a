"""The shape a plan.json must have to be read back (by ``compare`` and ``report``).

Only the fields the readers use are checked, each against the type they need, so a
hand-edited or damaged plan.json is refused with the field named, not by a crash.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, StrictStr, ValidationError


class _Part(BaseModel):
    model_config = ConfigDict(extra="allow")


class _Input(_Part):
    file: StrictStr
    sha256: StrictStr


class _Objective(_Part):
    kind: StrictStr


class _Solver(_Part):
    status: StrictStr
    objective: float | None = None
    gap: float | None = None


class _System(_Part):
    system_id: StrictStr
    inventory: int


class _Base(_Part):
    base_id: StrictStr
    name: StrictStr | None = None
    risk_undefended: float | None
    risk_today: float | None = None
    risk_planned: float | None
    hosted: dict[str, int]
    deployed_today: dict[str, int] = {}
    defended_by: dict[str, float | None] = {}


class _Placement(_Part):
    base_id: StrictStr
    system_id: StrictStr
    units: int


class _Moves(_Part):
    max_moves: int | None = None


class _Record(_Part):
    source: StrictStr
    source_from_plan: StrictStr | None = None
    inputs: list[_Input]
    objective: _Objective
    solver: _Solver
    summary: dict[str, Any]
    systems: list[_System]
    bases: list[_Base]
    allocation: list[_Placement]
    risk_acceptance: list[dict[str, Any]] | None = None
    moves: _Moves | None = None


def record_problem(record: dict[str, Any]) -> str | None:
    """What keeps a plan.json's content from being read back, or None when it can be."""
    try:
        _Record.model_validate(record)
    except ValidationError as exc:
        error = exc.errors()[0]
        where = _path(error["loc"])
        if error["type"] == "missing":
            return f"{where} is missing (this plan.json was edited or damaged)"
        found = repr(error.get("input"))
        if len(found) > 40:
            found = found[:37] + "..."
        return f"{where} is {found}, not {_expected(error['type'])} (edited or damaged?)"
    return None


def _path(loc: tuple[int | str, ...]) -> str:
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else f".{part}" if text else str(part)
    return text or "the file"


def _expected(kind: str) -> str:
    words = {
        "string_type": "text",
        "int_type": "a whole number",
        "int_parsing": "a whole number",
        "int_from_float": "a whole number",
        "float_type": "a number",
        "float_parsing": "a number",
        "list_type": "a list",
        "dict_type": "a mapping",
        "model_type": "a mapping",
    }
    return words.get(kind, "what defplan writes there")
