#!/usr/bin/env bash
# Installs the whole stack into .venv, idempotently. Used by `make demo` and `make test`
# (and so by .ci/run). The verified recipe lives in ../shared/ENVIRONMENT.md; in short:
#   torch 2.14.1 / torchvision 0.29.1 (local wheels on these machines),
#   mmcv 2.1.0 built from its sdist WITH ops and a C++20 flag (torch >= 2.14 headers need
#   C++20; mmdet 3.3 / mmseg 1.2 refuse mmcv >= 2.2), cached as a wheel outside the repo,
#   then this package with mmengine, mmdet, mmseg, timm, pycocotools from pyproject.toml.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
VENV=${VENV:-$ROOT/.venv}
PYTHON=${PYTHON:-python3}
TORCH_VERSION=2.14.1
TORCHVISION_VERSION=0.29.1
MMCV_VERSION=2.1.0
CACHE=${XDG_CACHE_HOME:-$HOME/.cache}/dense-backbones

# Re-run only when the install inputs change.
key=$(cat "$ROOT/pyproject.toml" "$ROOT/tools/install.sh" | sha1sum | cut -c1-12)
stamp="$VENV/.installed-$key"
[ -f "$stamp" ] && exit 0

log() { printf '[install] %s\n' "$*" >&2; }
[ -x "$VENV/bin/python" ] || { log "creating $VENV"; "$PYTHON" -m venv "$VENV"; }
PY="$VENV/bin/python"
pip() { "$PY" -m pip --disable-pip-version-check -q "$@"; }

log "torch $TORCH_VERSION, torchvision $TORCHVISION_VERSION"
pip install "torch==$TORCH_VERSION" "torchvision==$TORCHVISION_VERSION"

pyver=$("$PY" -c 'import sys; print(f"cp{sys.version_info[0]}{sys.version_info[1]}")')
cuda=$("$PY" -c 'import torch; print("cuda" if torch.cuda.is_available() else "cpu")')
wheel_dir="$CACHE/wheels/mmcv-$MMCV_VERSION-torch$TORCH_VERSION-$pyver-$(uname -m)-$cuda"
if ! "$PY" -c "import mmcv, mmcv.ops, sys; sys.exit(mmcv.__version__ != '$MMCV_VERSION')" 2>/dev/null; then
  if ! ls "$wheel_dir"/mmcv-*.whl >/dev/null 2>&1; then
    log "building mmcv $MMCV_VERSION with ops (about 17 minutes on 2 cores, once per machine)"
    # setuptools < 70 for the build (the verified recipe: mmcv's setup.py imports
    # pkg_resources); pyproject.toml then moves it to the range torch and mmengine need.
    pip install "setuptools<70" wheel ninja
    src=$(mktemp -d)
    pip download --no-deps --no-build-isolation --no-binary :all: "mmcv==$MMCV_VERSION" -d "$src"
    tar -xzf "$src"/mmcv-*.tar.gz -C "$src"
    sdist=$(find "$src" -maxdepth 1 -type d -name "mmcv-$MMCV_VERSION")
    sed -i -e 's/-std=c++17/-std=c++20/g' -e 's/-std=c++14/-std=c++20/g' "$sdist/setup.py"
    build_out=$(mktemp -d)
    [ "$cuda" = cuda ] && export FORCE_CUDA=1
    MMCV_WITH_OPS=1 MAX_JOBS=${MAX_JOBS:-$(nproc)} \
      "$PY" -m pip wheel --disable-pip-version-check --no-build-isolation --no-deps "$sdist" -w "$build_out"
    # Move into the cache only when complete, so an interrupted build leaves no half wheel.
    mkdir -p "$(dirname "$wheel_dir")"
    rm -rf "$wheel_dir.tmp" && mv "$build_out" "$wheel_dir.tmp" && mv -T "$wheel_dir.tmp" "$wheel_dir"
    rm -rf "$src"
  fi
  log "installing cached mmcv wheel from $wheel_dir"
  pip install --no-deps "$wheel_dir"/mmcv-*.whl
  pip install addict mmengine==0.10.7 opencv-python packaging Pillow pyyaml yapf
fi

log "installing this package and its dependencies"
pip install -e "$ROOT[test]"
"$PY" -c "import mmcv.ops, mmdet, mmseg, timm, backbones" 
rm -f "$VENV"/.installed-* && touch "$stamp"
log "done: $VENV"
