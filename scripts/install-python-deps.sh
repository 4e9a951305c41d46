#!/usr/bin/env bash
# Installs the Python libraries the package's tests compare seqc with
# (python/requirements-test.txt: PyTorch, SpikingJelly, PyG, NIR, ...) into
# a virtual environment kept outside the checkout, so that every clone and
# build reuses it: $SEQC_TEST_VENV, default /var/cache/seqc/venv-test.
# Idempotent: reinstalls only when the requirements changed. Prints the
# environment's python on its last line.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=${SEQC_TEST_VENV:-/var/cache/seqc/venv-test}
REQ=python/requirements-test.txt
STAMP="$VENV/.seqc-requirements"
if [ ! -x "$VENV/bin/python" ]; then
  mkdir -p "$(dirname "$VENV")"
  /usr/bin/python3 -m venv "$VENV"
fi
if ! cmp -s "$REQ" "$STAMP"; then
  echo "install-python-deps: installing $REQ into $VENV" >&2
  "$VENV/bin/pip" install -q --disable-pip-version-check -r "$REQ"
  cp "$REQ" "$STAMP"
else
  echo "install-python-deps: $VENV is up to date" >&2
fi
echo "$VENV/bin/python"
