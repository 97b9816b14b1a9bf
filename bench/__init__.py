"""Benchmarks and the national-scale data builder (issue 7).

    python -m bench.run            # 0.01×, 0.1× and 1× national scale; writes bench/RESULTS.md
    python -m bench.run --quick    # 0.01× and 0.1× only

Everything generated (Sotkanet dump folders, benchmark databases) goes under bench/out/ (gitignored)
and is benchmark data only: it never touches the app's default database. See docs/bench.md.
"""
