"""The paper's rows: paper.py is consistent, docs/model_zoo.md is current, the report groups
the comparisons, and the released fine-tuned ConvNeXt models' key names (mmdet 2.x / mmseg
0.x, the official backbone with `norm{i}`) load every tensor of the models our configs build."""
from pathlib import Path

import pytest
import torch
from mmengine.config import Config
from mmengine.registry import DefaultScope

from backbones.weights.io import check_complete
from backbones.engine.config import prepare
from backbones.evaluation.paper import GROUPS, PAPER, comparison_markdown, model_zoo_markdown
from backbones.engine.runner import revise_state
from forked import run_tool

ROOT = Path(__file__).resolve().parents[1]


def test_paper_rows_are_consistent():
    for stem, row in PAPER.items():
        assert len(list(ROOT.glob(f'configs/*/{stem}.py'))) == 1, stem
        if row['task'] == 'classification':
            continue
        assert row['group'] in GROUPS
        vs = row.get('vs')
        if vs:  # compared within its task and size group, ConvNeXt against another family
            assert (PAPER[vs]['task'], PAPER[vs]['group']) == (row['task'], row['group'])
            assert row['backbone'].startswith('ConvNeXt') and not PAPER[vs]['backbone'].startswith('ConvNeXt')
    # the claim of Tables 3 and 4: ConvNeXt matches or beats the model it is compared with
    for row in PAPER.values():
        if row.get('vs'):
            key = 'box_ap' if row['task'] == 'detection' else 'miou_ms'
            assert row[key] >= PAPER[row['vs']][key]


def test_model_zoo_page_is_current():
    page = (ROOT / 'docs/model_zoo.md').read_text()
    assert page == model_zoo_markdown(str(ROOT)), 'run python tools/model_zoo.py'
    for stem, row in PAPER.items():
        if row['task'] != 'classification':
            assert f'[{stem}]' in page and (row['released'] or '-') in page


def test_model_zoo_tool_check_mode():
    out = run_tool('tools/model_zoo.py', '--check')
    assert out.returncode == 0, out.stderr


def test_comparisons_pair_convnext_with_its_competitor_per_group():
    measured = {'cascade-mask-rcnn_convnext-t_fpn_4conv1fc-giou_ms-crop-3x_coco': {'box AP': 50.0},
                'cascade-mask-rcnn_swin-t_fpn_4conv1fc-giou_ms-crop-3x_coco': {'box AP': 49.2}}
    text = comparison_markdown(measured)
    line = next(x for x in text.splitlines() if '| box AP |' in x)
    assert '| detection | T | ConvNeXt-T | Swin-T |' in line
    assert '50.4 / 50.4 (+0.0)' in line and '50.0 / 49.2 (+0.8)' in line
    assert len(text.splitlines()) == 2 + 2  # header + the one measured pair's two metrics
    full = comparison_markdown({})  # every pair, groups in the paper's order
    groups = [x.split('|')[2].strip() for x in full.splitlines()[2:] if '| detection |' in x]
    assert groups == sorted(groups, key=GROUPS.index) and 'IN-22K' in groups


# -- released fine-tuned ConvNeXt models ----------------------------------------------------
def _conv_module(prefix: str, *, bias: bool = False) -> list[str]:
    """mmcv ConvModule's keys: conv (no bias before a norm) + BN (SyncBN in the releases)."""
    bn = [f'{prefix}.bn.{k}' for k in ('weight', 'bias', 'running_mean', 'running_var',
                                         'num_batches_tracked')]
    return [f'{prefix}.conv.weight'] + ([f'{prefix}.conv.bias'] if bias else []) + bn


def _official_convnext(depths) -> list[str]:
    """The official detection / segmentation backbone's keys (object_detection/mmdet/models/
    backbones/convnext.py): downsample_layers, stages, and an output LayerNorm `norm{i}`."""
    keys = [f'backbone.downsample_layers.{i}.{j}.{w}' for i in range(4) for j in (0, 1)
            for w in ('weight', 'bias')]
    for i, depth in enumerate(depths):
        for b in range(depth):
            keys += [f'backbone.stages.{i}.{b}.gamma'] + [
                f'backbone.stages.{i}.{b}.{m}.{w}' for m in ('dwconv', 'norm', 'pwconv1', 'pwconv2')
                for w in ('weight', 'bias')]
    return keys + [f'backbone.norm{i}.{w}' for i in range(4) for w in ('weight', 'bias')]


def _fpn_rpn() -> list[str]:
    keys = [f'neck.{m}.{i}.conv.{w}' for m in ('lateral_convs', 'fpn_convs') for i in range(4)
            for w in ('weight', 'bias')]
    return keys + [f'rpn_head.{m}.{w}' for m in ('rpn_conv', 'rpn_cls', 'rpn_reg')
                   for w in ('weight', 'bias')]


def _mask_head(prefix: str) -> list[str]:
    return [f'{prefix}.{m}.{w}' for m in [f'convs.{i}.conv' for i in range(4)]
            + ['upsample', 'conv_logits'] for w in ('weight', 'bias')]


def _released_mask_rcnn() -> list[str]:  # mmdet 2.x Mask R-CNN (Shared2FCBBoxHead)
    box = [f'roi_head.bbox_head.{m}.{w}' for m in ('shared_fcs.0', 'shared_fcs.1', 'fc_cls', 'fc_reg')
           for w in ('weight', 'bias')]
    return _fpn_rpn() + box + _mask_head('roi_head.mask_head')


def _released_cascade() -> list[str]:  # mmdet 2.x Cascade, 4conv1fc heads with SyncBN
    keys = _fpn_rpn()
    for s in range(3):
        keys += [k for i in range(4) for k in _conv_module(f'roi_head.bbox_head.{s}.shared_convs.{i}')]
        keys += [f'roi_head.bbox_head.{s}.{m}.{w}' for m in ('shared_fcs.0', 'fc_cls', 'fc_reg')
                 for w in ('weight', 'bias')]
        keys += _mask_head(f'roi_head.mask_head.{s}')
    return keys


def _released_upernet() -> list[str]:  # mmseg 0.x UPerHead + FCNHead
    keys = [k for i in range(4) for k in _conv_module(f'decode_head.psp_modules.{i}.1')]
    keys += _conv_module('decode_head.bottleneck') + _conv_module('decode_head.fpn_bottleneck')
    keys += [k for m in ('lateral_convs', 'fpn_convs') for i in range(3)
             for k in _conv_module(f'decode_head.{m}.{i}')]
    keys += _conv_module('auxiliary_head.convs.0')
    return keys + [f'{h}.conv_seg.{w}' for h in ('decode_head', 'auxiliary_head')
                   for w in ('weight', 'bias')]


RELEASED = {  # config -> the release's key names, built from the official code's structure
    'mask_rcnn/mask-rcnn_convnext-t_fpn_ms-crop-3x_coco': _released_mask_rcnn,
    'cascade_mask_rcnn/cascade-mask-rcnn_convnext-t_fpn_4conv1fc-giou_ms-crop-3x_coco': _released_cascade,
    'upernet/upernet_convnext-t_160k_ade20k-512x512': _released_upernet,
}


@pytest.mark.parametrize('config', sorted(RELEASED))
def test_released_convnext_models_load_every_tensor(config, tmp_path):
    cfg = Config.fromfile(ROOT / f'configs/{config}.py')
    cfg.model.backbone.init_cfg = None
    cfg = prepare(cfg)
    with DefaultScope.overwrite_default_scope(cfg.default_scope):
        registry = __import__(f'{cfg.default_scope}.registry', fromlist=['MODELS'])
        model = registry.MODELS.build(cfg.model)
    own = model.state_dict()
    names = _official_convnext((3, 3, 9, 3)) + RELEASED[config]()
    assert len(names) == len(set(names))
    # a file as the release is written: {'meta', 'state_dict'} with the release's names
    renamed = revise_state(model, {k: None for k in names})
    assert sorted(renamed) == sorted(own), (set(renamed) ^ set(own))
    g = torch.Generator().manual_seed(0)
    state = {k: torch.randn(own[r].shape, generator=g).to(own[r].dtype)
             for k, r in zip(names, renamed)}
    check_complete(model, revise_state(model, state), 'release')
    model.load_state_dict(revise_state(model, state), strict=True)
    loaded = model.state_dict()
    for k, r in zip(names, renamed):
        assert torch.equal(loaded[r], state[k]), k


def test_report_draws_the_papers_comparison(tmp_path):
    """Two work dirs (as MMEngine leaves them: the dumped config, scalars.json), given in the
    wrong order: the report puts Swin-T before ConvNeXt-T and sets both deltas side by side."""
    import json
    dirs = []
    for stem, box in (('mask-rcnn_convnext-t_fpn_ms-crop-3x_coco', 0.455),
                      ('mask-rcnn_swin-t_fpn_ms-crop-3x_coco', 0.449)):
        wd = tmp_path / stem
        (wd / '20260101_000000' / 'vis_data').mkdir(parents=True)
        Config.fromfile(ROOT / f'configs/mask_rcnn/{stem}.py').dump(str(wd / f'{stem}.py'))
        (wd / '20260101_000000' / 'vis_data' / 'scalars.json').write_text(
            json.dumps({'coco/bbox_mAP': box, 'coco/segm_mAP': 0.41, 'step': 36}) + '\n')
        dirs.append(str(wd))
    run = run_tool('tools/report.py', *dirs, '--no-flops')
    assert run.returncode == 0, run.stderr[-3000:]
    lines = run.stdout.splitlines()
    order = [x for x in lines if x.startswith('| SwinTransformer') or x.startswith('| ConvNeXt')]
    assert order[0].startswith('| SwinTransformer') and order[1].startswith('| ConvNeXt-tiny')
    assert '45.5 (46.2)' in order[1] and '44.9 (46.0)' in order[0]
    box = next(x for x in lines if '| ConvNeXt-T | Swin-T | box AP |' in x)
    assert '46.2 / 46 (+0.2)' in box and '45.5 / 44.9 (+0.6)' in box


# -- released Swin models --------------------------------------------------------------------
def _swin_repo_names(own: dict) -> dict[str, str]:
    """The Swin repository's name (Swin-Transformer-Object-Detection's backbone: `layers`,
    `attn.qkv`, `mlp.fc1`, `patch_embed.proj`) of each of mmdet's SwinTransformer keys."""
    names = {}
    for k in own:
        if not k.startswith('backbone.'):
            continue
        n = k.replace('backbone.stages.', 'backbone.layers.').replace('.attn.w_msa.', '.attn.')
        n = n.replace('.ffn.layers.0.0.', '.mlp.fc1.').replace('.ffn.layers.1.', '.mlp.fc2.')
        names[n.replace('patch_embed.projection.', 'patch_embed.proj.')] = k
    return names


def _build(config: str):
    cfg = Config.fromfile(ROOT / f'configs/{config}.py')
    cfg.model.backbone.init_cfg = None
    cfg = prepare(cfg)
    with DefaultScope.overwrite_default_scope(cfg.default_scope):
        registry = __import__(f'{cfg.default_scope}.registry', fromlist=['MODELS'])
        return registry.MODELS.build(cfg.model)


def test_swin_repository_release_loads_and_merges_patches_as_swin_does():
    """A Cascade Swin-T file with the Swin repository's names (its released models) loads
    every tensor; its patch merging, computed as the Swin code computes it (x0..x3 gathered
    by stride-2 slicing, LayerNorm, Linear), equals mmdet's after the conversion."""
    model = _build('cascade_mask_rcnn/cascade-mask-rcnn_swin-t_fpn_4conv1fc-giou_ms-crop-3x_coco')
    own = model.state_dict()
    swin = _swin_repo_names(own)
    assert len(swin) == sum(k.startswith('backbone.') for k in own)
    g = torch.Generator().manual_seed(0)
    state = {n: torch.randn(own[k].shape, generator=g).to(own[k].dtype) if own[k].is_floating_point()
             else own[k].clone() for n, k in swin.items()}
    state.update({k: torch.randn(v.shape, generator=g).to(v.dtype) if v.is_floating_point()
                  else v.clone() for k, v in own.items() if not k.startswith('backbone.')})
    revised = revise_state(model, state)
    check_complete(model, revised, 'Swin release')
    model.load_state_dict(revised, strict=True)
    loaded = model.state_dict()
    for n, k in swin.items():
        if '.downsample.' not in n:  # the merging layers are reordered, checked below
            assert torch.equal(loaded[k], state[n]), n
    x = torch.randn(1, 8 * 8, 96, generator=g)
    xs = x.view(1, 8, 8, 96)
    merged = torch.cat([xs[:, 0::2, 0::2], xs[:, 1::2, 0::2], xs[:, 0::2, 1::2], xs[:, 1::2, 1::2]],
                       -1).view(1, -1, 4 * 96)
    p = 'backbone.layers.0.downsample.'
    expected = torch.nn.functional.layer_norm(merged, (4 * 96,), state[p + 'norm.weight'],
                                              state[p + 'norm.bias']) @ state[p + 'reduction.weight'].T
    got, hw = model.backbone.stages[0].downsample(x, (8, 8))
    assert hw == (4, 4)
    torch.testing.assert_close(got, expected, rtol=1e-4, atol=1e-4)


def test_mmseg_swin_releases_have_mmdet_swin_names():
    """The UperNet Swin releases (mmseg's model zoo) are written by mmseg's SwinTransformer;
    our configs build mmdet's: the two have the same tensors by name and shape."""
    from mmdet.models.backbones import SwinTransformer as DetSwin
    from mmseg.models.backbones import SwinTransformer as SegSwin
    args = dict(embed_dims=96, depths=[2, 2, 6, 2], num_heads=[3, 6, 12, 24], window_size=7)
    det, seg = DetSwin(**args).state_dict(), SegSwin(**args).state_dict()
    assert {k: v.shape for k, v in det.items()} == {k: v.shape for k, v in seg.items()}
    released = [PAPER[s]['released'] for s in PAPER if PAPER[s]['backbone'].startswith('Swin')]
    assert any('mmsegmentation' in (u or '') for u in released)
