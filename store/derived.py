"""Derived steps: what is computed from the data at the end of every load.

The store does not know what is derived; the layers above register their steps here (the read model
registers its stored page data when it is imported) and `warehouse.writing()` runs every registered
step inside the load's transaction, after the loader has written. Each step keeps its state under a
meta key starting with `derived:`; `writing()` deletes those keys when a load begins, so a step that
is not run (or fails) can never leave results that look current for data they were not computed from.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import duckdb

META_PREFIX = "derived:"


@dataclass(frozen=True)
class DerivedStep:
    name: str  # its meta key is META_PREFIX + name
    refresh: Callable[[duckdb.DuckDBPyConnection], dict]
    # False when the stored results are missing or were computed by other code than is running now
    is_current: Callable[[duckdb.DuckDBPyConnection], bool]

    @property
    def meta_key(self) -> str:
        return META_PREFIX + self.name


_steps: dict[str, DerivedStep] = {}


def register(step: DerivedStep) -> DerivedStep:
    _steps[step.name] = step
    return step


def registered() -> list[DerivedStep]:
    return list(_steps.values())


def stale_steps(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The registered steps whose results are not current for this database (to recompute on `ensure`)."""
    return [step.name for step in _steps.values() if not step.is_current(con)]


def invalidate_all(con: duckdb.DuckDBPyConnection) -> None:
    """At the start of a load: nothing derived is current until its step has run on the new data."""
    con.execute("DELETE FROM meta WHERE starts_with(key, ?)", [META_PREFIX])
