"""extract/ reads as stages a newcomer can follow: no function runs to 60 lines."""

from __future__ import annotations

import ast
from pathlib import Path

import defplan.extract

#: the longest a function of extract/ may be, counting decorators, docstring and body
LONGEST: int = 59
FOLDER = Path(defplan.extract.__file__).resolve().parent


def long_functions(source: str, longest: int = LONGEST) -> list[tuple[str, int]]:
    """The functions of a module (methods and nested ones too) longer than ``longest``
    lines, each with its length."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            first = min([node.lineno, *(d.lineno for d in node.decorator_list)])
            length = (node.end_lineno or node.lineno) - first + 1
            if length > longest:
                found.append((node.name, length))
    return found


def test_the_length_check_counts_the_docstring_and_nested_functions() -> None:
    body = "\n".join(f"        x{i} = {i}" for i in range(57))
    source = f'@decorated\ndef outer() -> None:\n    """Doc."""\n    def inner() -> None:\n{body}\n'
    assert long_functions(source) == [("outer", 61)]
    assert long_functions(source, longest=57) == [("outer", 61), ("inner", 58)]


def test_no_function_in_extract_is_60_lines_or_longer() -> None:
    modules = sorted(FOLDER.glob("*.py"))
    assert len(modules) > 5
    too_long = [
        f"{path.name}: {name} is {length} lines"
        for path in modules
        for name, length in long_functions(path.read_text(encoding="utf-8"))
    ]
    assert not too_long, too_long
