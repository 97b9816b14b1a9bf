"""Cached access to the warehouse for the pages.

Results are cached by database version: a load swaps in a new file, the version changes, and the
next rerun reads the new data without a restart. Unrelated widget changes hit the cache.
"""
from __future__ import annotations

import threading

import duckdb
import pandas as pd
import streamlit as st

from data_sources.config import db_path
from data_sources.warehouse import connect_read, database_version
from ui import page_data

_lock = threading.Lock()


@st.cache_resource(max_entries=2, show_spinner=False)
def _connection(path: str, version: str) -> duckdb.DuckDBPyConnection:
    return connect_read(db_path(path))


def version() -> str:
    return database_version(db_path())


def connection() -> duckdb.DuckDBPyConnection:
    """A cursor of the read connection of the current version (cursors are safe across threads)."""
    path = db_path()
    base = _connection(str(path), database_version(path))
    cur = base.cursor()
    cur.execute("USE wh")
    return cur


@st.cache_data(max_entries=512, show_spinner=False)
def _call(version: str, name: str, args: tuple, kwargs: tuple):
    con = connection()
    try:
        return getattr(page_data, name)(con, *args, **dict(kwargs))
    finally:
        con.close()


def get(name: str, *args, **kwargs):
    """page_data.<name>(con, *args, **kwargs), cached by database version and arguments."""
    return _call(version(), name, tuple(args), tuple(sorted(kwargs.items())))


@st.cache_data(max_entries=256, show_spinner=False)
def _query(version: str, sql: str, params: tuple) -> pd.DataFrame:
    con = connection()
    try:
        return con.execute(sql, list(params)).df()
    finally:
        con.close()


def query(sql: str, params: tuple = ()) -> pd.DataFrame:
    """A parameterised read query, cached by database version."""
    return _query(version(), sql, tuple(params))


@st.cache_data(max_entries=512, show_spinner=False)
def _call_from(version: str, module: str, name: str, args: tuple, kwargs: tuple):
    import importlib

    con = connection()
    try:
        return getattr(importlib.import_module(module), name)(con, *args, **dict(kwargs))
    finally:
        con.close()


def get_from(module: str, name: str, *args, **kwargs):
    """<module>.<name>(con, *args, **kwargs) for data modules other than page_data (e.g. "ui.view_data"),
    cached by database version and arguments like get()."""
    return _call_from(version(), module, name, tuple(args), tuple(sorted(kwargs.items())))
