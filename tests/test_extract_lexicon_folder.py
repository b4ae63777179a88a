"""A theater's lexicons folder as a planner keeps it: edited between runs, holding a
file saved in the wrong format or left open in Excel, beside the run's outputs."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from defplan.errors import InputError
from defplan.extract.lexicon_files import DEFAULTS
from defplan.extract.lexicon_set import load_lexicons
from test_extract_cli import EXAMPLE, invoke


def _forces(folder: Path, role: str) -> Path:
    """``folder`` with the shipped forces and one own word of ``role``."""
    folder.mkdir(exist_ok=True)
    shipped = (DEFAULTS / "forces.csv").read_text(encoding="utf-8").rstrip("\n")
    (folder / "forces.csv").write_text(f"{shipped}\nzoravian,{role}\n", encoding="utf-8")
    return folder


def test_an_edit_that_keeps_the_file_s_size_and_time_is_read(tmp_path: Path) -> None:
    # a file system that keeps times to the second or two (FAT on a USB stick) gives an
    # edit made within it the same time; "presence" and "friendly" are as long as each other
    folder = _forces(tmp_path / "lexicons", "presence")
    path = folder / "forces.csv"
    before = path.stat()
    assert "zoravian" in load_lexicons(folder).fragment("forces.presence")
    _forces(folder, "friendly")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert path.stat().st_size == before.st_size
    edited = load_lexicons(folder)
    assert "zoravian" in edited.fragment("forces.friendly")
    assert "zoravian" not in edited.fragment("forces.presence")


@pytest.mark.parametrize(
    "name", ["forces.xlsx", "forces.CSV", "forces.txt", "Forces.csv", "forces.csv.txt"]
)
def test_a_lexicon_saved_under_another_format_or_case_is_refused_not_ignored(
    tmp_path: Path, name: str
) -> None:
    folder = tmp_path / "lexicons"
    folder.mkdir()
    (folder / name).write_text("word,role\nzoravian,local_owner\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_lexicons(folder)
    (problem,) = caught.value.problems
    assert problem.file.endswith(name) and "forces.csv" in problem.message


@pytest.mark.parametrize(
    "name", ["~$forces.csv", ".~lock.forces.csv#", "._forces.csv", "notes.md", "forces.csv.bak"]
)
def test_lock_files_hidden_files_and_notes_in_the_folder_are_let_be(
    tmp_path: Path, name: str
) -> None:
    # Excel and LibreOffice leave a lock file beside a file they have open, macOS its
    # "._" files on a shared drive; a README or a backup beside the files is no lexicon
    folder = _forces(tmp_path / "lexicons", "local_owner")
    (folder / name).write_bytes(b"\x00\x01 not text")
    assert "zoravian" in load_lexicons(folder).fragment("forces.local_owner")


@pytest.mark.parametrize("name", ["actors.csv", "attacks.csv"])
@pytest.mark.parametrize("given", [False, True], ids=["beside the theater", "--lexicons"])
def test_the_cli_never_writes_into_the_lexicons_folder_it_reads(
    tmp_path: Path, name: str, given: bool
) -> None:
    # --out lexicons/actors.csv wrote the attacks over the theater's actors; any other
    # CSV written there would be refused as no lexicon file on the next run
    theater = tmp_path / "theater" / "iraq_syria.xlsx"
    theater.parent.mkdir()
    shutil.copy(EXAMPLE, theater)
    folder = theater.parent / "lexicons"
    folder.mkdir()
    shutil.copy(DEFAULTS / "actors.csv", folder / "actors.csv")
    before = sorted((p.name, p.read_bytes()) for p in folder.iterdir())
    report = tmp_path / "report.txt"
    report.write_text("Militants fired rockets at Camp Taji on Monday.\n", encoding="utf-8")
    own = ["--lexicons", str(folder)] if given else []
    code, output = invoke(
        str(report), "--theater", str(theater), "--published", "2024-05-09",
        "--out", str(folder / name), *own,
    )  # fmt: skip
    assert code == 2, output
    assert "lexicons" in output and "never writes over" in output
    assert sorted((p.name, p.read_bytes()) for p in folder.iterdir()) == before


def test_a_file_that_cannot_be_opened_is_one_problem_not_a_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = _forces(tmp_path / "lexicons", "local_owner")
    opened = Path.read_bytes

    def refused(path: Path) -> bytes:
        if path.name == "forces.csv":
            raise PermissionError(13, "Permission denied", str(path))
        return opened(path)

    monkeypatch.setattr(Path, "read_bytes", refused)
    with pytest.raises(InputError) as caught:
        load_lexicons(folder)
    (problem,) = caught.value.problems
    assert problem.file.endswith("forces.csv") and "Permission denied" in problem.message
