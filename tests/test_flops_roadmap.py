"""Parameters and FLOPs of whole models against the papers' tables (within 2%), and the
modernization roadmap: its ends are ResNet-50 and ConvNeXt-T (same numerics on the same
weights), its GFLOPs walk is the paper's Figure 2, and every step drops into the detection
and segmentation configs."""
import json
from pathlib import Path

import pytest
import torch
import torchvision
from mmengine.config import Config

from backbones import ConvNeXt, RoadmapNet
from backbones.engine.config import build_model
from backbones.evaluation.flops import count
from backbones.evaluation.paper import PAPER, SUITE_ROWS
from backbones.models.roadmap import STEP_NAMES
from conftest import randomize_
from forked import run_tool

ROOT = Path(__file__).resolve().parents[1]
C = ROOT / 'configs'
# Figure 2 of the paper: GFLOPs after each step, ResNet-50 first, ConvNeXt-T last.
FIGURE_2 = dict(zip(STEP_NAMES, (4.1, 4.5, 4.4, 2.4, 5.3, 4.6, 4.1, 4.2, 4.2, 4.2, 4.2, 4.2,
                                 4.5)))


@pytest.mark.parametrize('stem', SUITE_ROWS)
def test_params_and_flops_match_paper(stem):
    """A subset (every family and method once); all rows: python tools/get_flops.py --paper"""
    paper = PAPER[stem]
    got = count(Config.fromfile(next(C.glob(f'*/{stem}.py'))), *paper['shape'])
    if paper['params_m'] is not None:
        assert got['params_m'] == pytest.approx(paper['params_m'], rel=0.02)
    assert got['gflops'] == pytest.approx(paper['gflops'], rel=0.02)


def test_get_flops_tool_json():
    run = run_tool('tools/get_flops.py', 'configs/imagenet/roadmap_in1k-224.py', '--shape', '224',
                   '224', '--json', '--cfg-options', 'model.backbone.step=resnet50')
    assert run.returncode == 0, run.stderr[-2000:]
    result = json.loads(run.stdout)  # stdout is the one JSON object
    assert result['params_m'] == pytest.approx(25.557032)  # torchvision's resnet50: 25,557,032
    assert result['gflops'] == pytest.approx(4.11, abs=0.01)


def _walk():
    cfg = Config.fromfile(C / 'imagenet/roadmap_in1k-224.py')
    out = {}
    for step in STEP_NAMES:
        cfg.merge_from_dict({'model.backbone.step': step})
        out[step] = count(cfg, 224, 224)
    return out


def test_roadmap_walk_is_figure_2():
    walk = _walk()
    ends = [count(Config.fromfile(C / f'imagenet/{n}_in1k-224.py'), 224, 224)
            for n in ('r50', 'convnext-t')]
    assert walk['resnet50'] == ends[0]                 # the first step is ResNet-50 exactly
    assert walk['separate_downsampling'] == ends[1]    # the last is ConvNeXt-T exactly
    for step, paper in FIGURE_2.items():  # every step within the paper's rounding (+2%)
        assert abs(walk[step]['gflops'] - paper) <= 0.05 + 0.02 * paper, step
    names = list(FIGURE_2)
    for a, b in zip(names, names[1:]):  # and every move goes the way the paper's goes
        paper_delta = FIGURE_2[b] - FIGURE_2[a]
        delta = walk[b]['gflops'] - walk[a]['gflops']
        if abs(paper_delta) >= 0.1:
            assert delta * paper_delta > 0, (a, b, delta)


def _copy_by_order(src: dict, dst: torch.nn.Module) -> None:
    """Copy a state dict into a model whose tensors come in the same order (shapes may
    differ by 1x1 conv vs linear / (C,) vs (C,1,1))."""
    target = dst.state_dict()
    assert len(src) == len(target)
    dst.load_state_dict({k: v.reshape(target[k].shape) for k, v in zip(target, src.values())})


def test_roadmap_ends_compute_what_resnet50_and_convnext_t_compute():
    x = torch.randn(2, 3, 96, 128)
    tv = randomize_(torchvision.models.resnet50()).eval()
    first = RoadmapNet(step='resnet50').eval()
    _copy_by_order({k: v for k, v in tv.state_dict().items() if not k.startswith('fc.')}, first)
    body = torch.nn.Sequential(*list(tv.children())[:-2])
    torch.testing.assert_close(first(x)[-1], body(x), rtol=1e-4, atol=1e-4)

    convnext = randomize_(ConvNeXt(arch='tiny', layer_scale_init_value=0.5)).eval()
    last = RoadmapNet(step='separate_downsampling').eval()
    _copy_by_order(convnext.state_dict(), last)
    for ours, ref in zip(last(x), convnext(x)):
        torch.testing.assert_close(ours, ref, rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize('step', ['patchify_stem', 'inverted_bottleneck', 'fewer_norms'])
@pytest.mark.parametrize('config', ['mask_rcnn/mask-rcnn_r50_fpn_1x_coco.py',
                                    'upernet/upernet_r50_160k_ade20k-512x512.py'])
def test_every_step_drops_into_the_task_configs(config, step):
    cfg = Config.fromfile(C / config)
    cfg.model.backbone = dict(type='backbones.RoadmapNet', step=step)
    model = build_model(cfg)
    assert model.backbone.out_channels == list(RoadmapNet(step=step).stage_channels)
    with torch.no_grad():
        feats = model.extract_feat(torch.randn(1, 3, 64, 96))
    assert [f.shape[-1] for f in feats][:4] == [24, 12, 6, 3]


def test_unknown_step_named():
    with pytest.raises(ValueError, match=r"unknown step 'kernel_9'.*'kernel_7'"):
        RoadmapNet(step='kernel_9')


def test_image_classifier_trains_through_mmengine():
    from mmengine.optim import OptimWrapper

    from backbones import ImageClassifier
    model = ImageClassifier(backbone=dict(type='backbones.ResNet', depth=18), num_classes=3)
    optim = OptimWrapper(torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9))
    data = dict(inputs=torch.randn(6, 3, 32, 32), data_samples=torch.tensor([0, 1, 2, 0, 1, 2]))
    losses = [model.train_step(data, optim)['loss'].item() for _ in range(15)]
    assert losses[-1] < 0.5 * losses[0], losses
    model.eval()
    probs = model.val_step(dict(inputs=data['inputs'], data_samples=None))
    assert probs.shape == (6, 3) and torch.allclose(probs.sum(1), torch.ones(6))


def test_get_flops_shows_the_papers_figures_and_progress():
    """A config that is a paper row: the paper's figures under ours; --paper: one line per
    row with both, after a progress line on stderr."""
    run = run_tool('tools/get_flops.py', 'configs/imagenet/convnext-t_in1k-224.py')
    assert run.returncode == 0, run.stderr[-2000:]
    assert 'input 224x224: 28.59 M params, 4.5 GFLOPs' in run.stdout, run.stdout
    assert 'paper (Table 1 (printed as 28M), ConvNeXt-T): 28.6 M params, 4.5 GFLOPs at 224x224' in run.stdout
    run = run_tool('tools/get_flops.py', '--paper', 'r50_in1k-224')
    assert run.returncode == 0, run.stderr[-2000:]
    assert '[1/1] counting r50_in1k-224' in run.stderr
    assert 'ok  r50_in1k-224: 25.6 M (paper 25.6), 4.1 GFLOPs (paper 4.1) at 224x224' in run.stdout
