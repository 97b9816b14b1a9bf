"""The pages' one way to the data: `get(question, *args)`, a read-model function cached by database version.

A question is a function of the read model (readmodel/) that takes a read connection first. Results are
cached by database version and arguments: a load swaps in a new file, the version changes, and the next
rerun reads the new data without a restart. Unrelated widget changes hit the cache. Whether an answer
comes from the stored page data or is computed live is decided inside the read model, never here.
"""
from __future__ import annotations

from typing import Callable

import duckdb
import streamlit as st

from common.i18n import language, value_labels
from store.config import db_path, region_config
from store.warehouse import connect_read, database_version, localize, region_problem


@st.cache_resource(max_entries=2, show_spinner=False)
def _connection(path: str, version: str) -> duckdb.DuckDBPyConnection:
    return connect_read(db_path(path))


def version() -> str:
    return database_version(db_path())


def _cursor(lang: str) -> duckdb.DuckDBPyConnection:
    """A cursor of the read connection of the current version (cursors are safe across threads), reading
    names in `lang` (store.warehouse.localize)."""
    path = db_path()
    cur = _connection(str(path), database_version(path)).cursor()
    cur.execute("USE wh")
    localize(cur, lang, value_labels("unit", lang))
    return cur


@st.cache_data(max_entries=1024, show_spinner=False)
def _call(version: str, lang: str, name: str, _question: Callable, args: tuple, kwargs: tuple):
    # `lang` is part of the key: the read model's texts and names are in the reader's language.
    con = _cursor(lang)
    try:
        return _question(con, *args, **dict(kwargs))
    finally:
        con.close()


@st.cache_data(max_entries=8, show_spinner=False)
def _region_problem(version: str, region_id: str) -> str | None:
    con = _cursor("fi")
    try:
        return region_problem(con, region_id)
    finally:
        con.close()


def get(question: Callable, *args, **kwargs):
    """question(con, *args, **kwargs), cached by database version, the question's name and the arguments.
    A database built for another region than the app's is refused with the reason (nothing else shown)."""
    problem = _region_problem(version(), region_config().id)
    if problem:
        st.error(problem)
        st.stop()
    name = f"{question.__module__}.{question.__qualname__}"
    return _call(version(), language(), name, question, tuple(args), tuple(sorted(kwargs.items())))
