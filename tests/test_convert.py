"""Checkpoint formats: official ConvNeXt release, timm, torchvision, detector checkpoints."""
from pathlib import Path

import pytest
import timm
import torch
import torchvision

from backbones import ConvNeXt, ResNet, read_state_dict
from conftest import randomize_
from forked import run_tool

ROOT = Path(__file__).resolve().parents[1]


def _official_release(model: ConvNeXt) -> dict:
    """An official-format checkpoint: our names are theirs, plus the classifier's norm/head."""
    state = {k: v for k, v in model.state_dict().items() if not k.startswith('out_norms.')}
    c = model.stage_channels[-1]
    state.update({'norm.weight': torch.ones(c), 'norm.bias': torch.zeros(c),
                  'head.weight': torch.zeros(1000, c), 'head.bias': torch.zeros(1000)})
    return {'model': state, 'epoch': 300}


def test_official_release_format_loads(tmp_path):
    source = randomize_(ConvNeXt(arch='tiny'))
    torch.save(_official_release(source), tmp_path / 'convnext_tiny_1k_224.pth')
    model = ConvNeXt(arch='tiny', init_cfg=dict(type='Pretrained',
                                                 checkpoint=str(tmp_path / 'convnext_tiny_1k_224.pth')))
    model.init_weights()
    for key, value in source.state_dict().items():
        if not key.startswith('out_norms.'):
            assert torch.equal(model.state_dict()[key], value), key


def test_detector_checkpoint_backbone_part_loads(tmp_path):
    source = randomize_(ResNet(depth=18))
    state = {f'backbone.{k}': v for k, v in source.state_dict().items()}
    state['neck.lateral_convs.0.conv.weight'] = torch.zeros(1)
    torch.save({'state_dict': state, 'meta': {'epoch': 12}}, tmp_path / 'det.pth')
    loaded = read_state_dict(tmp_path / 'det.pth')
    assert set(loaded) == set(source.state_dict())


def test_missing_and_unexpected_keys_reported_by_name(tmp_path):
    state = randomize_(ResNet(depth=18)).state_dict()
    state.pop('layers.3.1.bn2.weight')
    state['layers.3.9.conv1.weight'] = torch.zeros(1)
    torch.save(state, tmp_path / 'partial.pth')
    model = ResNet(depth=18)
    from backbones import load_pretrained
    report = load_pretrained(model, tmp_path / 'partial.pth', convert=ResNet.convert_state_dict)
    assert report == {'missing': ['layers.3.1.bn2.weight'],
                      'unexpected': ['layers.3.9.conv1.weight']}


@pytest.mark.parametrize('make,expect', [
    (lambda: timm.create_model('convnext_small', pretrained=False).state_dict(),
     "ConvNeXt({'arch': 'small'"),
    (lambda: torchvision.models.resnet101().state_dict(), "ResNet({'depth': 101"),
    (lambda: _official_release(ConvNeXt(arch='tiny')), "ConvNeXt({'arch': 'tiny'"),
])
def test_convert_tool(tmp_path, make, expect):
    torch.save(make(), tmp_path / 'src.pth')
    dst = tmp_path / 'out' / 'dst.pth'
    run = run_tool('tools/convert_checkpoint.py', tmp_path / 'src.pth', dst)
    assert run.returncode == 0, run.stderr
    assert expect in run.stdout
    converted = torch.load(dst, weights_only=True)
    assert not any(k.startswith(('head.', 'fc.', 'stem.')) for k in converted['state_dict'])
    assert [p.name for p in dst.parent.iterdir()] == ['dst.pth']  # no temporary left behind


def test_convert_tool_rejects_unknown_file_and_writes_nothing(tmp_path):
    torch.save({'encoder.weight': torch.zeros(2)}, tmp_path / 'src.pth')
    run = run_tool('tools/convert_checkpoint.py', tmp_path / 'src.pth', tmp_path / 'dst.pth')
    assert run.returncode == 1
    assert 'not a ConvNeXt or ResNet checkpoint' in run.stderr
    assert not (tmp_path / 'dst.pth').exists()


def test_official_detection_checkpoint_names_load_into_our_detector(tmp_path):
    """The official ConvNeXt detection/segmentation checkpoints call the per-output norms
    `backbone.norm{i}`; the Runner maps them to ours (tools/test.py CONFIG THEIR_CHECKPOINT)."""
    import re

    from mmengine.config import Config

    from backbones.engine.config import prepare
    from backbones.engine.runner import Runner
    cfg = Config.fromfile(Path(__file__).resolve().parents[1] /
                          'configs/demo/mask-rcnn_convnext-t_fpn_demo-shapes.py')
    cfg.work_dir = str(tmp_path / 'work')
    cfg.visualizer.name = 'visualizer_official_names'
    runner = Runner.from_cfg(prepare(cfg))
    g = torch.Generator().manual_seed(0)
    state = {k: torch.randn(v.shape, generator=g) if v.is_floating_point() else v
             for k, v in runner.model.state_dict().items()}
    official = {re.sub(r'^backbone\.out_norms\.(\d)\.', r'backbone.norm\1.', k): v
                for k, v in state.items()}
    assert 'backbone.norm0.weight' in official and len(official) == len(state)
    torch.save({'state_dict': official, 'meta': {}}, tmp_path / 'official.pth')
    runner.load_checkpoint(str(tmp_path / 'official.pth'))
    loaded = runner.model.state_dict()
    for key, value in state.items():
        assert torch.equal(loaded[key], value), key
