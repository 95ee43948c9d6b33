"""The package's layering (backbones/__init__.py's docstring) holds in the code, and every
file of the package reaches a clone (none is git-ignored)."""
import ast
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PKG = ROOT / 'backbones'
LAYERS = ['registry', 'weights', 'models', 'data', 'engine', 'evaluation', 'experiments']


def _layer_of(path: Path) -> str:
    return path.relative_to(PKG).parts[0].removesuffix('.py')


def _imported_layers(path: Path, source: str | None = None) -> set[str]:
    """The top-level parts of `backbones` a module imports, relative or absolute."""
    layers = set()
    inside = len(path.relative_to(PKG).parts) - 1  # 0 for backbones/x.py, 1 for backbones/sub/x.py
    source = path.read_text() if source is None else source
    for node in ast.walk(ast.parse(source, str(path))):
        if isinstance(node, ast.ImportFrom) and node.level:
            if node.level - 1 < inside:  # `from .x import`: within its own subpackage
                continue
            names = [node.module] if node.module else [a.name for a in node.names]
            layers.update(n.split('.')[0] for n in names)
        elif isinstance(node, ast.ImportFrom) and (node.module or '').startswith('backbones.'):
            layers.add(node.module.split('.')[1])
        elif isinstance(node, ast.Import):
            layers.update(a.name.split('.')[1] for a in node.names if a.name.startswith('backbones.'))
    return layers


def test_the_layers_named_in_the_docstring_are_the_package():
    doc = (PKG / '__init__.py').read_text()
    parts = {_layer_of(p) for p in PKG.glob('*') if p.name != '__init__.py' and
             (p.suffix == '.py' or (p / '__init__.py').exists())}
    assert parts == set(LAYERS)
    assert [layer for layer in LAYERS if f'\n    {layer} ' in doc] == LAYERS


@pytest.mark.parametrize('path', sorted(PKG.rglob('*.py')), ids=lambda p: str(p.relative_to(PKG)))
def test_each_module_imports_only_the_layers_below_it(path):
    if path == PKG / '__init__.py':
        return
    own = LAYERS.index(_layer_of(path))
    above = {layer for layer in _imported_layers(path) if LAYERS.index(layer) > own}
    assert not above, f'{path.relative_to(ROOT)} imports {sorted(above)}, a layer that builds on it'


def test_the_checker_sees_upward_imports():
    # Every spelling is found (so the test above can fail); `from .` stays inside.
    source = ('from ..models.convnext import ConvNeXt\nimport backbones.engine.runner\n'
              'from .. import data\nfrom backbones.evaluation import paper\nfrom .io import x\n')
    assert _imported_layers(PKG / 'weights' / 'hub.py', source) == {
        'models', 'engine', 'data', 'evaluation'}


def test_no_package_file_is_git_ignored():
    files = [str(p.relative_to(ROOT)) for p in PKG.rglob('*') if p.is_file() and
             '__pycache__' not in p.parts]
    run = subprocess.run(['git', 'check-ignore', '--no-index', *files], cwd=ROOT,
                         capture_output=True, text=True)
    assert run.returncode in (0, 1), run.stderr
    assert run.stdout == '', f'git ignores package files, a clone would lack them:\n{run.stdout}'


def test_import_leaves_torch_load_as_it_was():
    """`import backbones` changes nothing global (checked in a fresh process): a file holding
    MMEngine's HistoryBuffer and a numpy scalar pickles to the same bytes and is refused by
    weights-only torch.load the same way before and after the import (no reducer, no
    allow-list added; our checkpoints need neither: PlainCheckpointHook)."""
    import sys
    code = """
import io, numpy as np, torch
from mmengine.logging import HistoryBuffer
def attempt():
    buf = io.BytesIO()
    torch.save({'h': HistoryBuffer([1.0, 2.0], [1, 1], 5), 'n': np.float64(1.0)}, buf)
    try:
        torch.load(io.BytesIO(buf.getvalue()), weights_only=True)
        return buf.getvalue(), 'loaded'
    except Exception as err:
        return buf.getvalue(), type(err).__name__
before = attempt()
import backbones, backbones.engine, backbones.experiments.runs
after = attempt()
assert before == after and before[1] == 'UnpicklingError', (before[1], after[1])
print('same')
"""
    run = subprocess.run([sys.executable, '-c', code], cwd=ROOT, capture_output=True, text=True,
                         timeout=300)
    assert run.returncode == 0 and run.stdout.strip() == 'same', run.stderr[-2000:]
