#!/usr/bin/env bash
# Installs what is needed (first time only) and starts Tilannekuva on the bundled default data.
# The database is built from the bundled catalogues and demo data on first start if it is missing.
source "$(dirname "$0")/scripts/env.sh"
python -m data_sources ensure
exec streamlit run app.py --server.headless true --browser.gatherUsageStats false "$@"
