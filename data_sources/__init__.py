"""Loaders: everything that brings data into the Tilannekuva warehouse (DuckDB).

Never imports streamlit: every load the admin page can do is also a CLI command
(`python -m data_sources …`) so it can be scheduled.
"""
