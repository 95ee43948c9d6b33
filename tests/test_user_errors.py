"""What a user types that cannot do what they meant stops with a message naming the thing at
fault: checkpoints of another model, unreadable files, resuming nothing, config keys nothing
reads, counts below 1, backbone arguments that cannot build."""
from pathlib import Path

import pytest
import torch
from mmengine.config import Config

from backbones.weights.io import CheckpointError
from backbones.engine.config import check_keys, prepare
from backbones.engine.runner import Runner
from forked import run_tool

ROOT = Path(__file__).resolve().parents[1]
DET = ROOT / 'configs/demo/mask-rcnn_r50_fpn_demo-shapes.py'
SEG = ROOT / 'configs/demo/upernet_r50_demo-shapes.py'


def _runner(config: Path, tmp_path: Path, **options) -> Runner:
    cfg = Config.fromfile(config)
    cfg.merge_from_dict({'work_dir': str(tmp_path / 'work'),
                         'visualizer.name': f'vis_{tmp_path.name}', **options})
    return Runner.from_cfg(prepare(cfg))


def test_checkpoint_of_another_model_is_refused_with_its_keys(tmp_path):
    """A segmentor's weights into the detector: not a wall of warnings and AP 0, an error."""
    seg = _runner(SEG, tmp_path / 'seg')
    torch.save({'state_dict': seg.model.state_dict(), 'meta': {}}, tmp_path / 'iter_20.pth')
    det = _runner(DET, tmp_path / 'det')
    with pytest.raises(CheckpointError, match=r'iter_20\.pth does not fit MaskRCNN: \d+ missing '
                                              r'\(first: neck\..*\d+ unexpected \(first: '
                                              r'decode_head\..*load_parts'):
        det.load_checkpoint(str(tmp_path / 'iter_20.pth'))
    # its own weights load, every tensor
    torch.save({'state_dict': det.model.state_dict()}, tmp_path / 'own.pth')
    det.load_checkpoint(str(tmp_path / 'own.pth'))


def test_load_parts_takes_only_what_the_config_names(tmp_path):
    """Fine-tuning from a detector of other classes: the backbone and neck are taken (and
    must be complete), the heads are left as they are."""
    det = _runner(DET, tmp_path / 'a', load_parts=['backbone', 'neck'])
    state = {k: torch.full_like(v, 0.5) if v.is_floating_point() else v
             for k, v in det.model.state_dict().items() if not k.startswith('roi_head')}
    torch.save({'state_dict': state}, tmp_path / 'other_classes.pth')
    head_before = det.model.roi_head.bbox_head.fc_cls.weight.clone()
    det.load_checkpoint(str(tmp_path / 'other_classes.pth'))
    assert torch.all(det.model.backbone.conv1.weight == 0.5)
    assert torch.equal(det.model.roi_head.bbox_head.fc_cls.weight, head_before)
    no_neck = {k: v for k, v in state.items() if not k.startswith('neck')}
    torch.save({'state_dict': no_neck}, tmp_path / 'no_neck.pth')
    with pytest.raises(CheckpointError, match=r'no_neck\.pth does not fit .*missing \(first: neck'):
        det.load_checkpoint(str(tmp_path / 'no_neck.pth'))
    bad = _runner(DET, tmp_path / 'b', load_parts=['backbon'])
    with pytest.raises(CheckpointError, match=r"load_parts names \['backbon'\].*'backbone'"):
        bad.load_checkpoint(str(tmp_path / 'own.pth' if False else tmp_path / 'no_neck.pth'))


@pytest.mark.parametrize('content, why', [(b'hello, not a checkpoint', 'not a readable'),
                                          (None, 'not a readable')])
def test_unreadable_checkpoint_names_the_file(tmp_path, content, why):
    det = _runner(DET, tmp_path)
    path = tmp_path / 'bad.pth'
    if content is None:  # truncated
        torch.save({'state_dict': det.model.state_dict()}, path)
        path.write_bytes(path.read_bytes()[:5000])
    else:
        path.write_bytes(content)
    with pytest.raises(CheckpointError, match=rf'bad\.pth is {why}'):
        det.load_checkpoint(str(path))


def _tool(script, *args, cwd=ROOT):
    return run_tool(script, *args, cwd=cwd, timeout=300)


def test_resume_with_nothing_to_resume_is_an_error(tmp_path):
    run = _tool(ROOT / 'tools/train.py', DET, '--resume', '--work-dir', tmp_path / 'empty')
    assert run.returncode == 2
    assert f'nothing to resume in {tmp_path / "empty"}' in run.stderr
    assert not (tmp_path / 'empty').exists() or not list((tmp_path / 'empty').iterdir())


def test_infer_names_a_missing_image_before_loading_anything(tmp_path):
    run = _tool(ROOT / 'tools/infer.py', DET, tmp_path / 'no.pth', tmp_path / 'nowhere.jpg',
                '--out', tmp_path / 'out')
    assert run.returncode != 0
    assert f'FileNotFoundError: {tmp_path / "nowhere.jpg"}: no such image file, folder or URL' in run.stderr
    assert not (tmp_path / 'out').exists()


@pytest.mark.slow(seconds=60, reason=(
    'each misspelt key is a tools/train.py subprocess that must stop with its message'))
def test_config_keys_nothing_reads(tmp_path):
    child = tmp_path / 'child.py'
    child.write_text(f"_base_ = '{SEG}'\nmodle = dict(backbone=dict(depth=101))\n"
                     "data_root = 'data/elsewhere'\nc = 3\nmodel = dict(decode_head=dict(channels=c))\n")
    with pytest.raises(ValueError) as err:
        check_keys(Config.fromfile(child), str(child), ['max_iter'])
    message = str(err.value)
    assert "child.py:2: top-level key 'modle' is read by nothing; did you mean 'model'?" in message
    assert "child.py:3: top-level key 'data_root'" in message and 'used its own data_root' in message
    assert "--cfg-options: top-level key 'max_iter'" in message
    assert "'c'" not in message  # a helper variable the file uses
    for config in sorted((ROOT / 'configs').rglob('*.py')):  # every shipped config is clean
        if '_base_' not in config.parts:
            check_keys(Config.fromfile(config), str(config))


def test_tools_refuse_unknown_keys_before_running(tmp_path):
    run = _tool(ROOT / 'tools/train.py', DET, '--work-dir', tmp_path / 'w',
                '--cfg-options', 'modle.backbone.depth=101')
    assert run.returncode != 0 and "'modle' is read by nothing; did you mean 'model'" in run.stderr
    assert not (tmp_path / 'w').exists()


@pytest.mark.parametrize('key, value', [('train_cfg.max_iters', -1), ('train_cfg.max_iters', 0),
                                        ('train_cfg.val_interval', 0)])
def test_counts_below_one_are_errors(key, value):
    cfg = Config.fromfile(DET)
    cfg.merge_from_dict({key: value})
    with pytest.raises(ValueError, match=rf'{key}={value}: must be a whole number >= 1'):
        prepare(cfg)


@pytest.mark.parametrize('backbone, message', [
    (dict(arch='tinny'), r"cannot be built: ValueError: ConvNeXt: unknown arch 'tinny'; choose "
                         r"one of \['tiny', 'small', 'base', 'large', 'xlarge', 'v2-atto', .*'v2-huge'\]"),
    (dict(_delete_=True, type='backbones.ResNet', depth=51),
     r'cannot be built: ValueError: ResNet: unknown depth 51; choose one of \[18, 34, 50'),
    (dict(type='backbones.ResNet', depth=50),  # a type swap that keeps ConvNeXt's keys
     r"unexpected keyword argument '(arch|drop_path_rate|layer_scale_init_value)'.*"
     r'model\.backbone\._delete_=True')])
def test_backbone_errors_reach_the_user_as_themselves(backbone, message):
    cfg = Config.fromfile(ROOT / 'configs/demo/upernet_convnext-t_demo-shapes.py')
    cfg.merge_from_dict({'model.backbone': backbone})
    with pytest.raises(ValueError, match=message) as err:
        prepare(cfg)
    assert 'in_channels' not in str(err.value)
