"""Fuzzing every input defplan reads, as a standing test.

Each case draws one valid input (a theater as .xlsx or as a CSV folder, an allocation
CSV, a plan.json, a WTA file, a news article with its manifest), breaks it in one to
three ways, and runs the command that reads it in-process. Whatever was drawn:

* the exit code is 2 (bad input) or 0 (the damage left a valid input);
* no traceback, no uncaught exception;
* every input file keeps its bytes;
* nothing is written outside ``--out``.

``make test`` runs about 1,100 cases; ``make fuzz`` runs ten times as many, with new
random draws each time (``DEFPLAN_FUZZ=10``). The classes of damage drawn are listed
in ``CLASSES``; the counts per input kind and class are printed at the end (``-s``).
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import re
import tempfile
import zipfile
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from defplan.cli import app
from defplan.model.wta_format import generate_wta, write_wta
from defplan.plan import plan
from defplan.plan.writers import write_plan
from defplan.workbook import write_csv_folder, write_xlsx
from full_theater import full_theater

SCALE = int(os.environ.get("DEFPLAN_FUZZ", "1"))
runner = CliRunner()
#: (input kind, class of damage) → cases run
COUNTS: Counter[tuple[str, str]] = Counter()
#: the share of the 1,000 cases each input kind gets in ``make test``
EXAMPLES = {
    "xlsx": 220,
    "csv_folder": 300,
    "allocation": 150,
    "plan_json": 150,
    "wta": 150,
    "article": 130,
}

#: cell values a planner, a tool or an attacker might leave in a cell
HOSTILE_CELLS = (
    "", " ", "x", "-1", "0", "1e309", "nan", "-inf", "1,5", "12.5%", "=1+1", "+1", "@x",
    "\x00", "a\x07b", "\t", "é", "ünïcödé 🚀", "Camp Alpha, North", '"', 'a"b', "9" * 400,
    "\r", "2024-13-45", "TRUE", "#REF!", "None", "x" * 140_000, "line\nbreak", "  alpha  ",
)  # fmt: skip
#: bytes that break a text file's structure
HOSTILE_BYTES = (
    b"\x00", b'"', b",", b"\n", b"\r", b"\xff", b"\xef\xbb\xbf", b"\xe2\x82", b";", b"\t",
    b"\x1b[31m", b"#", b"-", b"1e999", b" " * 3,
)  # fmt: skip


# --- valid inputs, built once -------------------------------------------------------


@dataclass(frozen=True)
class Seeds:
    tables: dict[str, bytes]  # CSV folder: file name → bytes
    xlsx: bytes
    plan_json: bytes
    allocation: bytes
    wta: bytes
    article: bytes
    manifest: bytes


def _seeds() -> Seeds:
    scratch = Path(tempfile.mkdtemp())
    theater = full_theater()
    folder = write_csv_folder(theater, scratch / "theater")
    xlsx = write_xlsx(theater, scratch / "theater.xlsx")
    result = plan(theater)
    write_plan(result, theater, scratch / "plan")
    allocation = "base_id,system_id,units\nalpha,cram,1\nbravo,patriot,1\n"
    article = (
        "TITLE: Rockets hit a base\nDATE: 2024-01-02\n\n"
        "Two rockets struck Alpha Air Base on Saturday, wounding three soldiers, "
        "officials said. No group claimed the attack.\n"
    )
    return Seeds(
        tables={p.name: p.read_bytes() for p in sorted(folder.glob("*.csv"))},
        xlsx=xlsx.read_bytes(),
        plan_json=(scratch / "plan" / "plan.json").read_bytes(),
        allocation=allocation.encode(),
        wta=write_wta(generate_wta(2, 3, 1, seed=1)).encode(),
        article=article.encode(),
        manifest=b"file,published\narticle.txt,2024-01-02\n",
    )


SEEDS = _seeds()


# --- running one case ---------------------------------------------------------------


def _snapshot(root: Path, skip: Path) -> dict[str, str]:
    """Every file under root (outside ``skip``) → its SHA-256."""
    found = {}
    for path in sorted(root.rglob("*")):
        if path.is_file() and skip not in path.parents and path != skip:
            found[str(path.relative_to(root))] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found


def run_case(kind: str, damage: list[str], root: Path, out: Path, args: list[str]) -> None:
    """Run one command; assert exit 0 or 2, no traceback, inputs and the rest untouched."""
    before = _snapshot(root, out)
    cwd_before = sorted(p.name for p in Path.cwd().iterdir())
    result = runner.invoke(app, args)
    where = f"{kind} {damage}: {args}\n{result.output[-2000:]}"
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(where) from result.exception
    assert result.exit_code in (0, 2), where
    assert "Traceback" not in result.output, where
    assert _snapshot(root, out) == before, f"an input changed or a file appeared: {where}"
    assert sorted(p.name for p in Path.cwd().iterdir()) == cwd_before, (
        f"a file appeared in the working folder: {where}"
    )
    for name in damage:
        COUNTS[(kind, name)] += 1
    COUNTS[(kind, "(cases)")] += 1
    COUNTS[(kind, f"(exit {result.exit_code})")] += 1


@pytest.fixture(scope="module", autouse=True)
def _report_counts() -> Iterator[None]:
    yield
    cases = {k: n for (k, d), n in COUNTS.items() if d == "(cases)"}
    print(f"\nfuzz: {sum(cases.values())} cases", dict(sorted(cases.items())))
    for (kind, damage), n in sorted(COUNTS.items()):
        if damage != "(cases)":
            print(f"  {kind:11} {damage:22} {n}")
    if set(cases) == set(EXAMPLES):
        assert sum(cases.values()) >= 1000 * SCALE * 0.95


def fuzz_settings(kind: str) -> settings:
    return settings(
        max_examples=EXAMPLES[kind] * SCALE,
        deadline=None,
        derandomize=SCALE == 1,  # make test: the same cases every run; make fuzz: new ones
        database=None,
        suppress_health_check=list(HealthCheck),
    )


# --- damage to text and bytes ---------------------------------------------------------


@st.composite
def byte_damage(draw: st.DrawFn, data: bytes) -> tuple[str, bytes]:
    """One break at the byte level: cut, insert, delete, repeat or flip."""
    kind = draw(st.sampled_from(("truncate", "insert", "delete", "repeat", "flip", "empty")))
    at = draw(st.integers(0, max(len(data) - 1, 0)))
    if kind == "truncate":
        return kind, data[:at]
    if kind == "insert":
        piece = draw(st.sampled_from(HOSTILE_BYTES) | st.binary(min_size=1, max_size=8))
        return kind, data[:at] + piece + data[at:]
    if kind == "delete":
        return kind, data[:at] + data[at + draw(st.integers(1, 40)) :]
    if kind == "repeat":
        span = data[at : at + draw(st.integers(1, 200))]
        return kind, data[:at] + span * draw(st.integers(2, 50)) + data[at:]
    if kind == "flip":
        if not data:
            return kind, data
        return kind, data[:at] + bytes([data[at] ^ draw(st.integers(1, 255))]) + data[at + 1 :]
    return kind, b""


def _rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))


def _csv(rows: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    return buffer.getvalue().encode("utf-8")


@st.composite
def table_damage(draw: st.DrawFn, data: bytes) -> tuple[str, bytes]:
    """One break at the table level: a hostile cell, a lost or extra cell or column, a
    row twice, a header renamed, an unquoted comma, a quote left open."""
    rows = _rows(data)
    kind = draw(
        st.sampled_from(
            (
                "hostile_cell",
                "drop_cell",
                "extra_cell",
                "drop_column",
                "rename_header",
                "duplicate_row",
                "unquoted_comma",
                "open_quote",
                "bytes",
            )
        )
    )
    if kind == "bytes" or len(rows) < 2:
        return draw(byte_damage(data))
    r = draw(st.integers(1, len(rows) - 1))
    c = draw(st.integers(0, len(rows[r]) - 1)) if rows[r] else 0
    if kind == "hostile_cell" and rows[r]:
        rows[r][c] = draw(st.sampled_from(HOSTILE_CELLS) | st.text(max_size=20))
    elif kind == "drop_cell" and rows[r]:
        del rows[r][c]
    elif kind == "extra_cell":
        rows[r].insert(c, draw(st.sampled_from(HOSTILE_CELLS)))
    elif kind == "drop_column":
        for row in rows:
            del row[c : c + 1]
    elif kind == "rename_header" and rows[0]:
        rows[0][min(c, len(rows[0]) - 1)] = draw(st.sampled_from(("", "lattitude", "x", "id")))
    elif kind == "duplicate_row":
        rows.insert(r, list(rows[r]))
    text = _csv(rows)
    if kind == "unquoted_comma":
        rows[r][c] = "QQ, Northern"
        text = _csv(rows).replace(b'"QQ, Northern"', b"QQ, Northern")
    elif kind == "open_quote":
        lines = text.split(b"\n")
        lines[r] = b'"' + lines[r]
        text = b"\n".join(lines)
    return kind, text


def damage_of(draw: st.DrawFn, data: bytes, structured: bool) -> tuple[list[str], bytes]:
    names = []
    for _ in range(draw(st.integers(1, 3))):
        name, data = draw(table_damage(data) if structured else byte_damage(data))
        names.append(name)
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            structured = False  # later damage works on bytes
    return names, data


# --- the inputs, broken ---------------------------------------------------------------


@st.composite
def broken_folder(draw: st.DrawFn) -> tuple[list[str], dict[str, bytes]]:
    tables = dict(SEEDS.tables)
    names = []
    for _ in range(draw(st.integers(1, 2))):
        action = draw(st.sampled_from(("table", "table", "table", "drop_file", "extra_file")))
        name = draw(st.sampled_from(sorted(tables)))
        if action == "drop_file":
            tables.pop(name)
            names.append("drop_file")
        elif action == "extra_file":
            extra = draw(st.sampled_from(("junk.csv", "Bases.CSV", "settings.csv", "x.txt")))
            tables[extra] = draw(st.binary(max_size=60) | st.sampled_from(tuple(tables.values())))
            names.append("extra_file")
        else:
            done, tables[name] = damage_of(draw, tables[name], structured=True)
            names += done
        if not tables:
            break
    return names, tables


def _sheet_xml_parts(data: bytes) -> list[str]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return [n for n in archive.namelist() if n.startswith("xl/worksheets/sheet")]


def _rezip(data: bytes, part: str, new: bytes | None, extra: dict[str, bytes]) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            if info.filename == part:
                if new is not None:
                    target.writestr(info.filename, new)
            else:
                target.writestr(info.filename, source.read(info))
        for name, content in extra.items():
            target.writestr(name, content)
    return out.getvalue()


EXTERNAL_RELS = (
    b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    b'<Relationship Id="rId1" Type="x" Target="other.xlsx" TargetMode="External"/>'
    b"</Relationships>"
)


@st.composite
def broken_xlsx(draw: st.DrawFn) -> tuple[list[str], bytes]:
    """A workbook broken inside its zip: a sheet's XML, a part lost, a wrong dimension tag,
    a cell value cached from another workbook, a formula without a value, a document type
    declared, a control character escaped, or the file's bytes."""
    data = SEEDS.xlsx
    names = []
    for _ in range(draw(st.integers(1, 2))):
        parts = _sheet_xml_parts(data)
        if not parts:
            break
        part = draw(st.sampled_from(parts))
        xml = zipfile.ZipFile(io.BytesIO(data)).read(part)
        kind = draw(
            st.sampled_from(
                (
                    "sheet_bytes",
                    "drop_part",
                    "dimension",
                    "external_link",
                    "formula_no_value",
                    "doctype",
                    "escaped_control",
                    "inline_text",
                    "file_bytes",
                )
            )
        )
        names.append(kind)
        if kind == "file_bytes":
            _, data = draw(byte_damage(data))
            break
        extra: dict[str, bytes] = {}
        if kind == "sheet_bytes":
            _, xml = draw(byte_damage(xml))
        elif kind == "drop_part":
            data = _rezip(data, part, None, {})
            continue
        elif kind == "dimension":
            ref = draw(st.sampled_from(("A1:B2", "A1", "", "A1:XFD1048576", "Z9:A1", "x")))
            xml = re.sub(rb'<dimension ref="[^"]*" ?/>', f'<dimension ref="{ref}"/>'.encode(), xml)
        elif kind in ("external_link", "formula_no_value", "escaped_control", "inline_text"):
            xml = _replace_a_cell(draw, xml, kind)
            if kind == "external_link" and "external_link" not in names[:-1]:
                extra["xl/externalLinks/_rels/externalLink1.xml.rels"] = EXTERNAL_RELS
        elif kind == "doctype":
            xml = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]>' + xml
        data = _rezip(data, part, xml, extra)
    return names, data


def _replace_a_cell(draw: st.DrawFn, xml: bytes, kind: str) -> bytes:
    cells = list(re.finditer(rb'<c r="([A-Z]+[0-9]+)"[^>]*?(/>|>.*?</c>)', xml, re.S))
    if not cells:
        return xml
    cell = draw(st.sampled_from(cells))
    ref = cell.group(1)
    if kind == "external_link":
        new = b'<c r="' + ref + b'"><f>[1]Sheet1!$A$1</f><v>99999</v></c>'
    elif kind == "formula_no_value":
        new = b'<c r="' + ref + b'"><f>SUM(A1:A2)</f></c>'
    else:
        text = b"Camp_x0007_Alpha" if kind == "escaped_control" else b"x" * 33_000
        new = b'<c r="' + ref + b'" t="inlineStr"><is><t>' + text + b"</t></is></c>"
    return xml[: cell.start()] + new + xml[cell.end() :]


@st.composite
def broken_json(draw: st.DrawFn) -> tuple[list[str], bytes]:
    """plan.json broken: a field deleted or given another type, deep nesting, the text."""
    record = json.loads(SEEDS.plan_json)
    names = []
    for _ in range(draw(st.integers(1, 3))):
        kind = draw(st.sampled_from(("delete_key", "retype", "retype", "deep", "bytes")))
        names.append(kind)
        if kind == "bytes":
            _, data = draw(byte_damage(json.dumps(record).encode()))
            return names, data
        parent, key = _pick_node(draw, record)
        if kind == "delete_key" and isinstance(parent, dict):
            parent.pop(key, None)
        elif kind == "deep":  # nested past the JSON reader's recursion limit
            parent[key] = "@@DEEP@@"
            deep = b"[" * 100_000 + b"]" * 100_000
            return names, json.dumps(record).encode().replace(b'"@@DEEP@@"', deep)
        else:
            parent[key] = draw(
                st.sampled_from((None, "", "x", -1, 0, 1.5, 1e308, [], {}, [1], {"a": 1}, True))
            )
    return names, json.dumps(record).encode()


def _pick_node(draw: st.DrawFn, record: Any) -> tuple[Any, Any]:
    """A (container, key) somewhere in the JSON tree."""
    parent: Any = record
    key: Any = draw(st.sampled_from(sorted(record)))
    while draw(st.booleans()):
        child = parent[key]
        if isinstance(child, dict) and child:
            parent, key = child, draw(st.sampled_from(sorted(child)))
        elif isinstance(child, list) and child:
            parent, key = child, draw(st.integers(0, len(child) - 1))
        else:
            break
    return parent, key


@st.composite
def broken_wta(draw: st.DrawFn) -> tuple[list[str], bytes]:
    """A WTA file broken: a number replaced by a hostile token, a line lost or doubled."""
    lines = SEEDS.wta.decode().splitlines()
    names = []
    for _ in range(draw(st.integers(1, 3))):
        kind = draw(st.sampled_from(("token", "drop_line", "double_line", "bytes")))
        names.append(kind)
        i = draw(st.integers(0, len(lines) - 1)) if lines else 0
        if kind == "bytes":
            _, data = draw(byte_damage("\n".join(lines).encode()))
            return names, data
        if not lines:
            continue
        if kind == "token":
            tokens = lines[i].split() or [""]
            tokens[draw(st.integers(0, len(tokens) - 1))] = draw(
                st.sampled_from(("-1", "nan", "inf", "1e400", "x", "2", "0", "1.5", "9" * 30, "#"))
            )
            lines[i] = " ".join(tokens)
        elif kind == "drop_line":
            del lines[i]
        else:
            lines.insert(i, lines[i])
    return names, ("\n".join(lines) + "\n").encode()


@st.composite
def _allocation(draw: st.DrawFn) -> tuple[list[str], bytes]:
    return damage_of(draw, SEEDS.allocation, structured=True)


@st.composite
def _article(draw: st.DrawFn) -> tuple[list[str], bytes]:
    data = SEEDS.article
    if draw(st.booleans()):
        header = draw(st.sampled_from((b"DATE: 2024-02-30\n", b"DATE: \n", b"URL:\x00\n", b"")))
        data = header + data
        names, data = damage_of(draw, data, structured=False)
        return ["header", *names], data
    return damage_of(draw, data, structured=False)


@st.composite
def _manifest(draw: st.DrawFn) -> tuple[list[str], bytes]:
    return damage_of(draw, SEEDS.manifest, structured=True)


# --- the properties -------------------------------------------------------------------


def _workspace() -> tuple[Path, Path]:
    root = Path(tempfile.mkdtemp(prefix="fuzz-"))
    return root, root / "out"


def _write_folder(folder: Path, tables: dict[str, bytes]) -> None:
    folder.mkdir()
    for name, content in tables.items():
        (folder / name).write_bytes(content)


@given(case=broken_xlsx(), command=st.sampled_from(("validate", "validate", "risk", "plan")))
@fuzz_settings("xlsx")
def test_a_broken_workbook_is_refused_cleanly(case: tuple[list[str], bytes], command: str) -> None:
    names, data = case
    root, out = _workspace()
    (root / "theater.xlsx").write_bytes(data)
    args = [command, str(root / "theater.xlsx")]
    run_case(
        "xlsx", names, root, out, args if command == "validate" else [*args, "--out", str(out)]
    )


@given(case=broken_folder(), command=st.sampled_from(("validate", "validate", "risk", "plan")))
@fuzz_settings("csv_folder")
def test_a_broken_csv_folder_is_refused_cleanly(
    case: tuple[list[str], dict[str, bytes]], command: str
) -> None:
    names, tables = case
    root, out = _workspace()
    _write_folder(root / "theater", tables)
    args = [command, str(root / "theater")]
    run_case(
        "csv_folder",
        names,
        root,
        out,
        args if command == "validate" else [*args, "--out", str(out)],
    )


@given(case=_allocation())
@fuzz_settings("allocation")
def test_a_broken_allocation_is_refused_cleanly(case: tuple[list[str], bytes]) -> None:
    names, data = case
    root, out = _workspace()
    _write_folder(root / "theater", SEEDS.tables)
    (root / "mine.csv").write_bytes(data)
    args = ["evaluate", str(root / "theater"), "--allocation", str(root / "mine.csv")]
    run_case("allocation", names, root, out, [*args, "--out", str(out)])


@given(case=broken_json(), command=st.sampled_from(("compare", "compare", "compare", "report")))
@fuzz_settings("plan_json")
def test_a_broken_plan_json_is_refused_cleanly(case: tuple[list[str], bytes], command: str) -> None:
    names, data = case
    root, out = _workspace()
    _write_folder(root / "theater", SEEDS.tables)
    (root / "plan").mkdir()
    (root / "plan" / "plan.json").write_bytes(data)
    (root / "good.json").write_bytes(SEEDS.plan_json)
    if command == "compare":
        args = ["compare", str(root / "good.json"), str(root / "plan" / "plan.json")]
        args += ["--out", str(out)]
    else:
        args = ["report", str(root / "plan"), "--theater", str(root / "theater"), "--no-ladder"]
        args += ["--out", str(out / "report.html")]
    run_case("plan_json", names, root, out, args)


@given(case=broken_wta())
@fuzz_settings("wta")
def test_a_broken_wta_file_is_refused_cleanly(case: tuple[list[str], bytes]) -> None:
    names, data = case
    root, out = _workspace()
    (root / "instance.txt").write_bytes(data)
    run_case("wta", names, root, out, ["wta", str(root / "instance.txt"), "--time-limit", "5"])


@given(
    article=_article(),
    manifest=st.none() | _manifest(),
)
@fuzz_settings("article")
def test_a_broken_article_or_manifest_is_refused_cleanly(
    article: tuple[list[str], bytes], manifest: tuple[list[str], bytes] | None
) -> None:
    names, data = article
    root, out = _workspace()
    _write_folder(root / "theater", SEEDS.tables)
    (root / "article.txt").write_bytes(data)
    args = ["extract", str(root / "article.txt"), "--theater", str(root / "theater")]
    args += ["--out", str(out / "attacks.csv")]
    if manifest is not None:
        names = names + [f"manifest_{n}" for n in manifest[0]]
        (root / "manifest.csv").write_bytes(manifest[1])
        args += ["--manifest", str(root / "manifest.csv")]
    run_case("article", names, root, out, args)
