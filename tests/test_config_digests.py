"""A refactoring of the configs changes no built config: for every config, what the Runner
builds from (model, optimizer, schedule, loops, dataloaders with their pipelines, TTA) hashes
to the digests recorded in tests/config_digests.json, one per field two levels down
(`model.backbone`, `optim_wrapper.optimizer`, `train_cfg`, ...), so a failure names the field
that changed. After a change that is meant to alter configs, record the new digests and say
why in the commit:

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


def _hash(value) -> str:
    return hashlib.sha1(json.dumps(value, sort_keys=True, default=repr).encode()).hexdigest()[:12]


def digests(config: str | Config) -> dict[str, str]:
    """Field -> a short hash of its built value (tuples and lists alike, keys sorted): each
    section, or each of its keys where it is a dict (`model.backbone`, `model.neck`, ...)."""
    cfg = (config if isinstance(config, Config) else Config.fromfile(str(ROOT / config))).to_dict()
    out = {}
    for key in SECTIONS:
        value = cfg.get(key)
        if isinstance(value, dict) and value:
            out.update({f'{key}.{sub}': _hash(v) for sub, v in value.items()})
        else:
            out[key] = _hash(value)
    return out


@pytest.fixture(scope='module')
def recorded() -> dict:
    return json.loads(DIGESTS.read_text())


def _changed(now: dict, before: dict) -> list[str]:
    return sorted(k for k in set(now) | set(before) if now.get(k) != before.get(k))


def test_every_config_is_recorded(recorded):
    assert sorted(recorded) == CONFIGS, ('configs added or removed: record them with '
                                         '`python tests/test_config_digests.py --write`')


@pytest.mark.parametrize('config', CONFIGS)
def test_built_config_unchanged(config, recorded):
    changed = _changed(digests(config), recorded.get(config, {}))
    assert not changed, f'{config}: these built fields differ from the recorded digests: {changed}'


def test_a_changed_value_is_named(recorded):
    """The digests name the field that changed (so the test above can fail, and says where)."""
    config = 'configs/upernet/upernet_swin-t_160k_ade20k-512x512.py'
    cfg = Config.fromfile(str(ROOT / config))
    cfg.optim_wrapper.optimizer.lr = 1e-4
    cfg.model.decode_head.channels = 256
    assert _changed(digests(cfg), recorded[config]) == ['model.decode_head',
                                                         'optim_wrapper.optimizer']


if __name__ == '__main__' and sys.argv[1:] == ['--write']:
    DIGESTS.write_text(json.dumps({c: digests(c) for c in CONFIGS}, indent=1, sort_keys=True)
                       + '\n')
    print(f'{DIGESTS}: {len(CONFIGS)} configs')
