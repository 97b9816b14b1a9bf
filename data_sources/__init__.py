"""Loaders: everything that brings data into the Tilannekuva warehouse (DuckDB).

Every source module has the same small shape:

    read / fetch      bytes from a file (uploads.read_upload_file: regular files only, size-capped) or an HTTP API
                      (http.make_session: timeouts, retries, a named User-Agent)
    parse             bytes -> typed rows (pure; parse_* functions, tested on recorded or hand-made files)
    validate          every problem with row, column and value (uploads.UploadProblem); one problem rejects
                      the whole input (uploads.UploadRejected) and nothing is written
    write             one `store.warehouse.writing()` load: a copy of the database is written and swapped
                      in, so a failure or a kill leaves the database as it was

Modules: sotkanet.py (THL Sotkanet REST: parse) + sotkanet_rows.py (its data rows parsed and checked in a
staging DuckDB) + sotkanet_cli.py (fetch, write, dumps), survey.py (the
compass survey export), action_status.py (coordinators' status records), geometry.py (municipal borders),
reference.py (the region folder's catalogues), demo.py (the labelled demo builder), rollup.py (area rollups
after a load), uploads.py (generic CSV/XLSX reading and its problems), http.py, commands.py (demo, ensure,
catalogue, status). Loaders import only store/, metrics/ and common/ (tests/test_layers.py) and never
Streamlit: every load the admin page can do is also a CLI command (`python -m data_sources …`), so it can be
scheduled.
"""
