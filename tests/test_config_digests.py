"""A refactoring of the configs changes no built config: for every config, what the Runner
builds from (model, optimizer, schedule, loops, dataloaders with their pipelines, TTA) hashes
to the digest recorded in tests/config_digests.json, section by section. After a change
that is meant to alter configs, record the new digests and say why in the commit:

    .venv/bin/python tests/test_config_digests.py --write
"""
import hashlib
import json
import sys
from pathlib import Path

import pytest

if __name__ == '__main__':
    import warnings
    warnings.filterwarnings('ignore', 'pkg_resources is deprecated')
from mmengine.config import Config  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
DIGESTS = Path(__file__).with_name('config_digests.json')
SECTIONS = ('model', 'optim_wrapper', 'param_scheduler', 'train_cfg', 'val_cfg', 'test_cfg',
            'train_dataloader', 'val_dataloader', 'test_dataloader', 'val_evaluator',
            'test_evaluator', 'tta_pipeline', 'tta_model', 'auto_scale_lr', 'default_scope',
            'runner_type', 'custom_hooks', 'default_hooks', 'randomness')
CONFIGS = sorted(str(p.relative_to(ROOT)) for p in (ROOT / 'configs').rglob('*.py')
                 if '_base_' not in p.parts)


def digests(config: str) -> dict[str, str]:
    """Section -> a short hash of its built value (tuples and lists alike, keys sorted)."""
    cfg = Config.fromfile(str(ROOT / config)).to_dict()
    return {key: hashlib.sha1(json.dumps(cfg.get(key), sort_keys=True, default=repr)
                              .encode()).hexdigest()[:12] for key in SECTIONS}


@pytest.fixture(scope='module')
def recorded() -> dict:
    return json.loads(DIGESTS.read_text())


def test_every_config_is_recorded(recorded):
    assert sorted(recorded) == CONFIGS, ('configs added or removed: record them with '
                                         '`python tests/test_config_digests.py --write`')


@pytest.mark.parametrize('config', CONFIGS)
def test_built_config_unchanged(config, recorded):
    changed = [key for key, value in digests(config).items()
               if recorded.get(config, {}).get(key) != value]
    assert not changed, f'{config}: built {changed} differ from the recorded digests'


def test_a_changed_value_is_seen(recorded):
    """The digests tell a changed field (so the test above can fail)."""
    config = 'configs/upernet/upernet_swin-t_160k_ade20k-512x512.py'
    cfg = Config.fromfile(str(ROOT / config))
    cfg.optim_wrapper.optimizer.lr = 1e-4
    changed = hashlib.sha1(json.dumps(cfg.to_dict()['optim_wrapper'], sort_keys=True,
                                      default=repr).encode()).hexdigest()[:12]
    assert changed != recorded[config]['optim_wrapper']


if __name__ == '__main__' and sys.argv[1:] == ['--write']:
    DIGESTS.write_text(json.dumps({c: digests(c) for c in CONFIGS}, indent=1, sort_keys=True)
                       + '\n')
    print(f'{DIGESTS}: {len(CONFIGS)} configs')
