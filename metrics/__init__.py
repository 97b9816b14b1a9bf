"""Pure computations over warehouse rows: trends, rollups, comparisons, goal status, summaries.

No I/O beyond a query a caller hands in; no streamlit.
"""
