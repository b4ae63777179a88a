"""Package names that load on first use (PEP 562), so importing a package costs
nothing until one of its names is asked for."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Mapping
from typing import Any


def lazy_names(
    package: str, names: Mapping[str, str]
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """A package's ``__getattr__`` and ``__dir__`` for ``names`` (each public name and
    the module it lives in): a name is imported when first asked for, then kept.

    >>> getattr_, dir_ = lazy_names("defplan", {"Problem": "defplan.errors"})
    >>> getattr_("Problem").__name__, "Problem" in dir_()
    ('Problem', True)
    """

    def attribute(name: str) -> Any:
        module = names.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(module), name)
        setattr(sys.modules[package], name, value)
        return value

    def listing() -> list[str]:
        return sorted({*vars(sys.modules[package]), *names})

    return attribute, listing
