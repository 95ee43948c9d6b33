"""Our configs, unchanged, in what an mmdet / mmseg user reaches for first: their own
tools/train.py and tools/test.py (shipped inside the installed packages), `init_detector` +
`inference_detector`, `DetInferencer`, `init_model` + `inference_model`, `MMSegInferencer`.
Each runs on a demo checkpoint made by a short run of their own train.py, from a folder
holding the demo data where the configs look for it, and gives what tools/infer.py gives;
tools/test.py --out writes mmdet's predictions pickle."""
import json
import os
import pickle
import subprocess
import sys
from pathlib import Path

import mmdet
import mmseg
import numpy as np
import pytest
import torch
from mmengine.config import Config

from backbones.data.demo import make_ade_shapes, make_coco_shapes
from budget import budget
from forked import run_tool

ROOT = Path(__file__).resolve().parents[1]
DET = ROOT / 'configs/demo/mask-rcnn_r50_fpn_demo-shapes.py'
DET_CONVNEXT = ROOT / 'configs/demo/mask-rcnn_convnext-t_fpn_demo-shapes.py'
SEG = ROOT / 'configs/demo/upernet_r50_demo-shapes.py'
ITERS = 20
SCORE_THR = 0.05
ENV = dict(os.environ, PYTHONPATH=str(ROOT), PYTHONWARNINGS='ignore')


def _their_tool(package, tool: str) -> str:
    return str(Path(package.__file__).parent / '.mim' / 'tools' / f'{tool}.py')


def _run(cmd: list, cwd: Path) -> subprocess.CompletedProcess:
    if Path(cmd[0]).parent == ROOT / 'tools':  # ours: forked (tests/forked.py)
        run = run_tool(*cmd, cwd=cwd, env=ENV, timeout=900)
    else:  # mmdet's / mmseg's own tools start cold: only the config's custom_imports
        # brings our package in, as for their users
        run = subprocess.run([sys.executable, *map(str, cmd)], cwd=cwd, capture_output=True,
                             text=True, timeout=900, env=ENV)
    assert run.returncode == 0, (run.stdout + run.stderr)[-4000:]
    return run


@pytest.fixture(scope='module')
def here(tmp_path_factory):
    """A user's folder: data/demo_shapes and data/demo_ade_shapes, where the configs read."""
    root = tmp_path_factory.mktemp('user')
    make_coco_shapes(root / 'data' / 'demo_shapes')
    make_ade_shapes(root / 'data' / 'demo_ade_shapes')
    return root


def _trained(here: Path, package, config: Path, name: str) -> Path:
    """A short run of the package's own tools/train.py on our config; its checkpoint."""
    _run([_their_tool(package, 'train'), config, '--work-dir', name, '--cfg-options',
          f'train_cfg.max_iters={ITERS}', f'train_cfg.val_interval={ITERS}',
          f'default_hooks.checkpoint.interval={ITERS}'], here)
    return here / name / f'iter_{ITERS}.pth'


@pytest.fixture(scope='module')
@budget(seconds=60, reason="mmdet's own tools/train.py on our config, 20 iterations")
def det_checkpoint(here):
    return _trained(here, mmdet, DET, 'det')


@pytest.fixture(scope='module')
@budget(seconds=50, reason="mmseg's own tools/train.py on our config, 20 iterations")
def seg_checkpoint(here):
    return _trained(here, mmseg, SEG, 'seg')


def _ours(here: Path, config: Path, checkpoint: Path, image: Path) -> object:
    """What tools/infer.py writes for `image` (its JSON)."""
    _run([ROOT / 'tools/infer.py', config, checkpoint, image, '--out', 'infer',
          '--score-thr', SCORE_THR, '--device', 'cpu'], here)
    return json.loads((here / 'infer' / f'{image.stem}.json').read_text())


def _detections(sample) -> list[tuple]:
    pred = sample.pred_instances
    keep = pred.scores >= SCORE_THR
    return [(int(c), round(float(s), 4), [round(float(v), 1) for v in b])
            for c, s, b in zip(pred.labels[keep], pred.scores[keep], pred.bboxes[keep])]


def test_mmdet_apis_on_our_detector(here, det_checkpoint, monkeypatch):
    from mmdet.apis import DetInferencer, inference_detector, init_detector
    monkeypatch.chdir(here)
    image = here / 'data/demo_shapes/val/val_0000.png'
    model = init_detector(str(DET), str(det_checkpoint), device='cpu')
    assert model.neck.lateral_convs[0].conv.in_channels == 256  # derived: ResNet-50's C2
    found = _detections(inference_detector(model, str(image)))
    classes = ('checker', 'dots', 'stripes')
    ours = [(classes.index(d['label']), d['score'], d['bbox'])
            for d in _ours(here, DET, det_checkpoint, image)]
    assert found and found == ours
    inferencer = DetInferencer(model=str(DET), weights=str(det_checkpoint), device='cpu',
                               show_progress=False)
    out = inferencer(str(image), return_datasamples=True, no_save_vis=True)
    assert _detections(out['predictions'][0]) == found


def test_a_backbone_swap_builds_in_mmdets_api(monkeypatch, here):
    """One backbone=dict(...) edit: ConvNeXt-T's config, and the same with mmdet's Swin put
    in by hand, build in init_detector with their FPN in_channels derived."""
    from mmdet.apis import init_detector
    monkeypatch.chdir(here)
    model = init_detector(str(DET_CONVNEXT), device='cpu')
    assert [c.conv.in_channels for c in model.neck.lateral_convs] == [96, 192, 384, 768]
    cfg = Config.fromfile(DET)
    cfg.merge_from_dict({'model.backbone': dict(
        _delete_=True, type='mmdet.SwinTransformer', embed_dims=32, depths=[1, 1, 1, 1],
        num_heads=[1, 2, 4, 8], convert_weights=False)})
    model = init_detector(cfg, device='cpu')
    assert [c.conv.in_channels for c in model.neck.lateral_convs] == [32, 64, 128, 256]


def test_mmdets_test_tool_and_ours_write_the_same_predictions(here, det_checkpoint):
    """mmdet's own tools/test.py --out and ours: the same pickle of predictions, one per
    validation image, in mmdet's format (what its analysis tools read)."""
    _run([_their_tool(mmdet, 'test'), DET, det_checkpoint, '--work-dir', 'det_test',
          '--out', 'theirs.pkl'], here)
    _run([ROOT / 'tools/test.py', DET, det_checkpoint, '--work-dir', 'det_test',
          '--out', 'ours.pkl'], here)
    theirs, ours = (pickle.loads((here / f).read_bytes()) for f in ('theirs.pkl', 'ours.pkl'))
    assert len(theirs) == len(ours) == 60
    for a, b in zip(theirs, ours):
        assert a['img_id'] == b['img_id']
        assert torch.equal(a['pred_instances']['labels'], b['pred_instances']['labels'])
        assert torch.allclose(a['pred_instances']['bboxes'], b['pred_instances']['bboxes'])
        assert a['pred_instances']['masks'] == b['pred_instances']['masks']
    masks = [m for b in ours for m in b['pred_instances']['masks']]
    assert masks and all(isinstance(m, dict) and 'counts' in m for m in masks)  # RLE, as mmdet's


def test_out_must_be_a_pickle(here, det_checkpoint):
    run = run_tool(ROOT / 'tools/test.py', DET, det_checkpoint, '--out', 'predictions.json',
                   cwd=here, env=ENV)
    assert run.returncode == 2 and '--out predictions.json' in run.stderr and '.pkl' in run.stderr


def _shares(labels: torch.Tensor, classes: tuple) -> dict:
    values, counts = labels.unique(return_counts=True)
    return {classes[int(v)]: round(float(n) / labels.numel(), 4) for v, n in zip(values, counts)}


def test_mmseg_apis_on_our_segmentor(here, seg_checkpoint, monkeypatch):
    from mmseg.apis import MMSegInferencer, inference_model, init_model
    monkeypatch.chdir(here)
    image = sorted((here / 'data/demo_ade_shapes/images/validation').glob('*.jpg'))[0]
    model = init_model(str(SEG), str(seg_checkpoint), device='cpu')
    classes = model.dataset_meta['classes']
    assert len(classes) == 4
    found = inference_model(model, str(image)).pred_sem_seg.data
    assert found.shape[-2:] == (128, 128)  # the demo's test pipeline, not ADE20K's resize
    assert _shares(found, classes) == _ours(here, SEG, seg_checkpoint, image)
    inferencer = MMSegInferencer(model=str(SEG), weights=str(seg_checkpoint), device='cpu')
    out = inferencer(str(image), return_datasamples=True)
    assert torch.equal(out.pred_sem_seg.data, found)


def test_mmsegs_test_tool_on_our_segmentor(here, seg_checkpoint):
    run = _run([_their_tool(mmseg, 'test'), SEG, seg_checkpoint, '--work-dir', 'seg_test'], here)
    assert 'mIoU' in run.stdout + run.stderr
    _run([ROOT / 'tools/test.py', SEG, seg_checkpoint, '--work-dir', 'seg_test',
          '--out', 'seg.pkl'], here)
    predictions = pickle.loads((here / 'seg.pkl').read_bytes())
    assert len(predictions) == 50 and predictions[0]['pred_sem_seg']['data'].shape[-2:] == (128, 128)


def test_auto_scale_lr_scales_by_the_real_batch(here):
    """--auto-scale-lr: batch 2 against the demo's base batch 4 halves every lr (the first
    iteration's logged lr); a config without auto_scale_lr.base_batch_size is told what to
    write."""
    lrs = []
    for name, flag in (('plain', []), ('scaled', ['--auto-scale-lr'])):
        _run([ROOT / 'tools/train.py', SEG, *flag, '--work-dir', f'lr_{name}', '--cfg-options',
              'train_cfg.max_iters=1', 'train_cfg.val_interval=1', 'train_dataloader.batch_size=2',
              'default_hooks.logger.interval=1', 'val_dataloader=None', 'val_cfg=None',
              'val_evaluator=None', 'default_hooks.checkpoint.interval=1'], here)
        record = next(json.loads(line) for line in
                      next((here / f'lr_{name}').glob('*/vis_data/scalars.json')).read_text()
                      .splitlines() if '"lr"' in line)
        lrs.append(record['lr'])
    assert lrs[1] == pytest.approx(lrs[0] / 2)
    (here / 'no_base.py').write_text(f"_base_ = '{SEG}'\nauto_scale_lr = None\n")
    run = run_tool(ROOT / 'tools/train.py', 'no_base.py', '--auto-scale-lr', cwd=here, env=ENV)
    assert run.returncode == 2 and 'no_base.py has no auto_scale_lr.base_batch_size' in run.stderr


def test_detection_pictures_show_ground_truth_and_the_threshold(here, det_checkpoint):
    """--show-dir: each detection picture is ground truth | prediction side by side (as
    mmseg's are), the ground-truth half drawn where the objects are."""
    import mmcv
    _run([ROOT / 'tools/test.py', DET, det_checkpoint, '--work-dir', 'show_test',
          '--show-dir', 'show', '--show-score-thr', '0.9'], here)
    picture = mmcv.imread(next((here / 'show_test').glob('*/show/val_0000.png')),
                          channel_order='rgb')
    source = mmcv.imread(here / 'data/demo_shapes/val/val_0000.png', channel_order='rgb')
    zoom = picture.shape[0] // source.shape[0]
    assert picture.shape == (source.shape[0] * zoom, 2 * source.shape[1] * zoom, 3)
    gt = picture[:, :source.shape[1] * zoom].astype(int)
    changed = np.abs(gt - np.repeat(np.repeat(source, zoom, 0), zoom, 1)).sum(-1) > 30
    coco = json.loads((here / 'data/demo_shapes/annotations/instances_val.json').read_text())
    x, y, w, h = next(a['bbox'] for a in coco['annotations'] if a['image_id'] == 1)
    assert changed[int(y * zoom):int((y + h) * zoom), int(x * zoom):int((x + w) * zoom)].mean() > 0.5
