#!/usr/bin/env bash
# Install Beiwe's Forest into its own virtual environment under bench/.venv-forest.
# Forest is only a yardstick for the benchmark: it is never a dependency of the platform.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
venv="$here/.venv-forest"
python="${FOREST_PYTHON:-python3}"
if [[ ! -x "$venv/bin/python" ]]; then
    "$python" -m venv "$venv"
fi
"$venv/bin/python" -m pip install --quiet --upgrade pip
"$venv/bin/python" -m pip install --quiet "beiwe-forest${FOREST_VERSION:+==$FOREST_VERSION}" psutil
"$venv/bin/python" -c "import forest, importlib.metadata as m; print('forest', m.version('beiwe-forest'))"
