"""The read model: everything a page asks of the data, without Streamlit.

- `page_data`: the readers (SQL -> frames) and one function per page question;
- `view_data`: the questions of single pages (comparison, survey, map, snapshots);
- `precomputed`: reading the page data stored at the last load, and the one place that decides whether
  a question is answered from it (stored) or computed from the data (live);
- `derive`: the derived step that stores that page data at the end of every load.

Importing the package registers `derive`'s step with the store, so every write made by a process that
reads through this package keeps the stored page data current.
"""
from readmodel import derive  # noqa: F401  (registers the derived step)
from readmodel import changes  # noqa: F401,E402  (after derive: each load's changes read the page data it stored)
