#!/usr/bin/env bash
# Installs what is needed (first time only) and runs the whole test suite.
source "$(dirname "$0")/scripts/env.sh"
set +e
python -m pytest "$@"
rc=$?
set -e
if [ "$rc" -eq 5 ]; then
    echo "test.sh: pytest collected no tests - that is a failure here" >&2
    exit 1
fi
exit "$rc"
