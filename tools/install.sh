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

# A CUDA machine (nvidia-smi answers): torch's default PyPI build is CUDA 13; where the driver
# is older, TORCH_INDEX_URL names a PyTorch index of the driver's CUDA, e.g.
# https://download.pytorch.org/whl/cu126 (docs/install.md, "On a GPU machine").
gpu=$(nvidia-smi --query-gpu=name --format=csv,noheader 2>/dev/null | head -n1 || true)
log "torch $TORCH_VERSION, torchvision $TORCHVISION_VERSION${gpu:+ for $gpu}"
pip install ${TORCH_INDEX_URL:+--index-url "$TORCH_INDEX_URL" --extra-index-url https://pypi.org/simple} \
  "torch==$TORCH_VERSION" "torchvision==$TORCHVISION_VERSION"

pyver=$("$PY" -c 'import sys; print(f"cp{sys.version_info[0]}{sys.version_info[1]}")')
# CUDA ops are built for the local GPU's architecture (TORCH_CUDA_ARCH_LIST overrides),
# with torch's CUDA version in the cache key; CPU-only machines build the CPU kernels.
cuda=$("$PY" -c 'import torch; c = torch.cuda.is_available(); print(
    f"cu{torch.version.cuda}-sm" + "%d%d" % torch.cuda.get_device_capability() if c else "cpu")')
if [ -n "$gpu" ] && [ "$cuda" = cpu ]; then
  log "error: this machine has a GPU ($gpu) but torch $TORCH_VERSION cannot use it" \
      "(driver too old for its CUDA?): set TORCH_INDEX_URL to a PyTorch index of the" \
      "driver's CUDA version (nvidia-smi shows it) and run again"
  exit 1
fi
# torch >= 2.14's headers need C++20; older ones C++17 (mmcv 2.1.0's setup.py says 14 or 17).
cxx_std=$("$PY" -c 'import torch; v = tuple(int(x) for x in torch.__version__.split("+")[0].split(".")[:2]); print("c++20" if v >= (2, 14) else "c++17")')
wheel_dir="$CACHE/wheels/mmcv-$MMCV_VERSION-torch$TORCH_VERSION-$pyver-$(uname -m)-$cuda"
if ! "$PY" -c "import mmcv, mmcv.ops, sys; sys.exit(mmcv.__version__ != '$MMCV_VERSION')" 2>/dev/null; then
  if ! ls "$wheel_dir"/mmcv-*.whl >/dev/null 2>&1; then
    log "building mmcv $MMCV_VERSION with ops, $cxx_std, $cuda (about 17 minutes on 2 cores," \
        "5 on 16; once per machine)"
    # setuptools < 70 for the build (the verified recipe: mmcv's setup.py imports
    # pkg_resources); pyproject.toml then moves it to the range torch and mmengine need.
    pip install "setuptools<70" wheel ninja
    src=$(mktemp -d)
    pip download --no-deps --no-build-isolation --no-binary :all: "mmcv==$MMCV_VERSION" -d "$src"
    tar -xzf "$src"/mmcv-*.tar.gz -C "$src"
    sdist=$(find "$src" -maxdepth 1 -type d -name "mmcv-$MMCV_VERSION")
    sed -i -e "s/-std=c++17/-std=$cxx_std/g" -e "s/-std=c++14/-std=$cxx_std/g" "$sdist/setup.py"
    build_out=$(mktemp -d)
    if [ "$cuda" != cpu ]; then
      command -v nvcc >/dev/null || [ -x "${CUDA_HOME:-/usr/local/cuda}/bin/nvcc" ] || {
        log "error: building mmcv's CUDA ops needs nvcc (the CUDA toolkit): install it or" \
            "set CUDA_HOME"; exit 1; }
      export FORCE_CUDA=1
      export TORCH_CUDA_ARCH_LIST=${TORCH_CUDA_ARCH_LIST:-$("$PY" -c 'import torch; print("%d.%d" % torch.cuda.get_device_capability())')}
    fi
    # -g0: Python's own CFLAGS carry -g, and debug info for 77 files of torch templates
    # more than doubles the compile (one kernel file: 36 s with it, 15 s without, 2-core AVX-512 EPYC).
    CFLAGS="${CFLAGS:-} -g0" MMCV_WITH_OPS=1 MAX_JOBS=${MAX_JOBS:-$(nproc)} \
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
# The optional mmpretrain extra (MMPRETRAIN=0 skips it): the ConvNeXt that mmdet's and mmseg's
# own configs use, and timm backbones in configs (mmpretrain.TIMMBackbone); the tests and
# tools/benchmark.py train compare against it. Its metadata asks for `modelindex`, a name
# PyPI does not have (the package is model-index), hence --no-deps and its needs by hand.
if [ "${MMPRETRAIN:-1}" = 1 ]; then
  log "installing the mmpretrain extra"
  pip install --no-deps mmpretrain==1.2.0
  pip install einops "importlib-metadata<9" mat4py model-index
  "$PY" -c "import mmpretrain.models"
fi
rm -f "$VENV"/.installed-* && touch "$stamp"
log "done: $VENV"
