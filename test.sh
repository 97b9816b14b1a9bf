#!/usr/bin/env bash
# Installs what is needed (first time only) and runs the whole test suite.
source "$(dirname "$0")/scripts/env.sh"
set +e
# The whole suite runs on two workers, one test file per worker at a time (pytest-xdist, --dist loadfile keeps
# a file's fixtures in one process): 12,7 min instead of 20,6 min on the 2-core CI machine (3.12.2026).
# TILANNEKUVA_TEST_WORKERS=0 runs it in one process; with arguments (a file, -k …) it runs as given.
if [ "$#" -eq 0 ] && [ "${TILANNEKUVA_TEST_WORKERS:-2}" != "0" ]; then
    set -- -n "${TILANNEKUVA_TEST_WORKERS:-2}" --dist loadfile
fi
python -m pytest "$@"
rc=$?
set -e
if [ "$rc" -eq 5 ]; then
    echo "test.sh: pytest collected no tests - that is a failure here" >&2
    exit 1
fi
exit "$rc"
