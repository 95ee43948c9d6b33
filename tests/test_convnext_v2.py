"""ConvNeXt V2 and DINOv3's ConvNeXt: every released format loads through init_cfg with every
tensor accounted for, and gives the reference implementation's numbers on the same weights.

Each file is written here from a reference model's own weights (timm's, mmpretrain's), in the
layout its publisher uses: V2's fine-tuned release ({'model': ...}, official names, GRN
parameters (1, 1, 1, C)), V2's FCMAE pretraining file (`encoder.*` in MinkowskiEngine's
layouts beside the decoder), timm's and mmpretrain's names, and DINOv3's flat file (no head,
`norms.3` beside `norm`). The writers below are this test's own, not the loader's code.
"""
import math
import re
from pathlib import Path

import numpy as np
import pytest
import torch
from mmengine.logging import MMLogger

from backbones import ConvNeXt, ImageClassifier
from backbones.evaluation.paper import SUCCESSORS
from backbones.models.convert import infer_backbone
from backbones.weights.io import load_pretrained
from conftest import randomize_

timm = pytest.importorskip('timm')
X = torch.randn(2, 3, 64, 64)


def _timm(name: str) -> torch.nn.Module:
    return randomize_(timm.create_model(name, pretrained=False)).eval()


def _official(timm_state: dict) -> dict:
    """timm's ConvNeXt names -> the official repositories' (V1, V2 and DINOv3 share them)."""
    out = {}
    for k, v in timm_state.items():
        k = k.replace('stem.', 'downsample_layers.0.')
        k = re.sub(r'stages\.(\d+)\.downsample\.', r'downsample_layers.\1.', k)
        k = re.sub(r'stages\.(\d+)\.blocks\.(\d+)\.', r'stages.\1.\2.', k)
        k = k.replace('conv_dw', 'dwconv').replace('mlp.fc', 'pwconv')
        k = k.replace('head.norm.', 'norm.').replace('head.fc.', 'head.')
        if '.mlp.grn.' in k:  # the official GRN: gamma / beta of shape (1, 1, 1, C)
            k = k.replace('mlp.grn.weight', 'grn.gamma').replace('mlp.grn.bias', 'grn.beta')
            v = v.reshape(1, 1, 1, -1)
        if '.pwconv' in k and v.ndim == 4:  # timm's conv_mlp variants (atto..nano)
            v = v.flatten(1)
        out[k] = v
    return out


def _fcmae(official: dict) -> dict:
    """The official V2 encoder as FCMAE's sparse model stores it (the inverse of the official
    remap_checkpoint_keys), plus its decoder: what a `*_fcmae.pt` file holds. The stem is a
    dense conv + LayerNorm there; the stages and later downsampling layers are
    MinkowskiEngine's, which wrap LayerNorm (`.ln.`) and Linear (`.linear.`), store kernels
    as (k*k, in, out) or, depthwise, (k*k, C), and biases and GRN parameters as (1, C)."""
    out = {}
    for k, v in official.items():
        if k.startswith(('norm.', 'head.')):  # the sparse encoder has neither
            continue
        if k.startswith('stages.'):
            if k.endswith('dwconv.weight'):
                c, _, s, _ = v.shape
                k, v = k.replace('.weight', '.kernel'), v.transpose(3, 2).reshape(c, s * s).t()
            elif '.grn.' in k or k.endswith('dwconv.bias'):
                v = v.reshape(1, -1)
            elif '.norm.' in k:
                k = k.replace('.norm.', '.norm.ln.')
            elif '.pwconv' in k:
                k = re.sub(r'\.(weight|bias)$', r'.linear.\1', k)
        elif re.match(r'downsample_layers\.[123]\.0\.', k):
            k = k.replace('.0.', '.0.ln.')
        elif re.match(r'downsample_layers\.[123]\.1\.weight', k):
            o, i, s, _ = v.shape
            k, v = k.replace('.weight', '.kernel'), v.transpose(3, 2).reshape(o, i, s * s).permute(2, 1, 0)
        elif re.match(r'downsample_layers\.[123]\.1\.bias', k):
            v = v.reshape(1, -1)
        out[f'encoder.{k}'] = v.contiguous()
    c = official['downsample_layers.3.1.weight'].shape[0]
    out.update({'mask_token': torch.zeros(1, 512, 1, 1), 'proj.weight': torch.randn(512, c, 1, 1),
                'proj.bias': torch.zeros(512), 'decoder.0.dwconv.weight': torch.randn(512, 1, 7, 7),
                'pred.weight': torch.randn(3072, 512, 1, 1), 'pred.bias': torch.zeros(3072)})
    return out


def _features(timm_model) -> list:
    """timm's stage outputs (before any norm) on X."""
    with torch.no_grad():
        return timm_model.forward_intermediates(X, intermediates_only=True)


def test_every_v2_size_is_timms_model():
    """The arch table's V2 rows build timm's convnextv2_* trunks: same tensors, same shapes
    (built on the meta device: shapes only)."""
    for arch in [a for a in ConvNeXt.arch_settings if a.startswith('v2-')]:
        with torch.device('meta'):
            ours = ConvNeXt(arch=arch, norm_outputs=False)
            ref = timm.create_model(f'convnextv2_{arch[3:]}', pretrained=False)
        want = {k: tuple(v.shape) for k, v in _official(ref.state_dict()).items()
                if not k.startswith(('norm.', 'head.'))}
        assert {k: tuple(v.shape) for k, v in ours.state_dict().items()} == want, arch
        assert ours.out_channels == [f['num_chs'] for f in ref.feature_info]
        assert not any(k.endswith('.gamma') and '.grn.' not in k for k in want)  # no layer scale


@pytest.mark.parametrize('arch', ['v2-atto', 'v2-tiny'])  # atto: timm's 1x1-conv MLP
def test_v2_release_gives_timm_logits_and_exports_back(arch, tmp_path):
    reference = _timm(f'convnextv2_{arch[3:]}')
    release = {'model': _official(reference.state_dict())}
    torch.save(release, tmp_path / 'release.pt')
    model = ImageClassifier(backbone=dict(type='backbones.ConvNeXt', arch=arch), num_classes=1000,
                            init_cfg=dict(type='Pretrained', checkpoint=str(tmp_path / 'release.pt')))
    model.init_weights()
    with torch.no_grad():
        torch.testing.assert_close(model.eval()(X), reference(X), rtol=1e-4, atol=1e-4)
    model.export_release(tmp_path / 'out.pt')
    out = torch.load(tmp_path / 'out.pt', weights_only=True)['model']
    assert set(out) == set(release['model'])
    assert all(torch.equal(out[k], v) for k, v in release['model'].items())


def _loads_exactly(arch: str, path, log_has: str | None = None, **kwargs) -> ConvNeXt:
    """Load `path` into ConvNeXt(arch) with out norms; every trunk tensor comes from the file
    (only the new per-output norms are missing) and nothing in it is left unexplained."""
    model = ConvNeXt(arch=arch, **kwargs)
    report = load_pretrained(model, path, convert=model.convert_state_dict)
    assert report['unexpected'] == []
    assert all(k.startswith('out_norms.') for k in report['missing']), report['missing']
    return model.eval()


@pytest.mark.parametrize('fmt', ['official', 'timm', 'fcmae'])
def test_v2_formats_give_timms_features(fmt, tmp_path):
    reference = _timm('convnextv2_atto')
    official = _official(reference.state_dict())
    state = {'official': {'model': official}, 'timm': reference.state_dict(),
             'fcmae': {'model': _fcmae(official)}}[fmt]
    torch.save(state, tmp_path / 'w.pt')
    model = _loads_exactly('v2-atto', tmp_path / 'w.pt', norm_outputs=False)
    with torch.no_grad():
        for ours, ref in zip(model(X), _features(reference)):
            torch.testing.assert_close(ours, ref, rtol=1e-4, atol=1e-4)


def test_fcmae_decoder_is_named_as_dropped(tmp_path):
    torch.save({'model': _fcmae(_official(_timm('convnextv2_atto').state_dict()))}, tmp_path / 'f.pt')
    logger = MMLogger.get_instance('fcmae_test', log_file=str(tmp_path / 'log.txt'))
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(MMLogger, 'get_current_instance', classmethod(lambda cls: logger))
        _loads_exactly('v2-atto', tmp_path / 'f.pt')
    text = (tmp_path / 'log.txt').read_text()
    assert 'not loaded (the pretraining decoder): decoder*, mask_token*, pred*, proj*' in text


def test_v2_mmpretrain_names_give_its_outputs(tmp_path):
    """mmpretrain's ConvNeXt(use_grn=True) (its names, Conv2d or Linear MLPs, its per-output
    norms) gives the same four normalised maps as ours loaded from its checkpoint."""
    models = pytest.importorskip('mmpretrain.models')
    for linear in (True, False):
        ref = models.ConvNeXt(arch='atto', use_grn=True, layer_scale_init_value=0.,
                              out_indices=(0, 1, 2, 3), gap_before_final_norm=False,
                              linear_pw_conv=linear)
        randomize_(ref)
        ref.eval()
        torch.save({'state_dict': {f'backbone.{k}': v for k, v in ref.state_dict().items()}},
                   tmp_path / 'mmpretrain.pth')
        model = ConvNeXt(arch='v2-atto')
        report = load_pretrained(model, tmp_path / 'mmpretrain.pth', convert=model.convert_state_dict)
        assert report == {'missing': [], 'unexpected': []}
        with torch.no_grad():
            for ours, theirs in zip(model.eval()(X), ref(X)):
                torch.testing.assert_close(ours, theirs, rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize('arch', ['tiny', 'base'])
def test_dinov3_file_loads_with_its_final_norm_recognised(arch, tmp_path):
    """DINOv3's ConvNeXt files: V1's names, flat, no head, `norms.3` equal to `norm`. They
    load into our V1 arch with nothing unexpected, and give timm's features."""
    reference = _timm(f'convnext_{arch}')
    state = {k: v for k, v in _official(reference.state_dict()).items() if not k.startswith('head.')}
    state.update({k.replace('norm.', 'norms.3.'): v.clone() for k, v in state.items()
                  if k.startswith('norm.')})
    name = f'dinov3_convnext_{arch}_pretrain_lvd1689m-0000000.pth'
    torch.save(state, tmp_path / name)
    model = _loads_exactly(arch, tmp_path / name, norm_outputs=False)
    with torch.no_grad():
        for ours, ref in zip(model(X), _features(reference)):
            torch.testing.assert_close(ours, ref, rtol=1e-4, atol=1e-4)


def test_convert_tool_recognises_v2_and_fcmae(tmp_path):
    official = _official(_timm('convnextv2_atto').state_dict())
    from backbones.models.convnext import to_official
    for state in (official, _fcmae(official)):
        cls, kwargs = infer_backbone(ConvNeXt.convert_state_dict(state))
        assert cls is ConvNeXt and kwargs['arch'] == 'v2-atto'
    assert math.isclose(to_official(_fcmae(official))['stages.0.0.grn.gamma'].sum().item(),
                        official['stages.0.0.grn.gamma'].sum().item(), rel_tol=1e-6)


# -- the configs: V2-B and DINOv3 ConvNeXt-T / -B in Mask R-CNN and UperNet ------------------
ROOT = Path(__file__).resolve().parents[1]
CHANNELS = {'ConvNeXt V2-B': [128, 256, 512, 1024], 'DINOv3 ConvNeXt-B': [128, 256, 512, 1024],
            'DINOv3 ConvNeXt-T': [96, 192, 384, 768]}


def _config(stem: str) -> Path:
    return next(ROOT.glob(f'configs/*/{stem}.py'))


@pytest.mark.parametrize('stem', sorted(SUCCESSORS))
def test_successor_configs_build_in_mmdets_and_mmsegs_apis(stem, monkeypatch):
    """mmdet's init_detector / mmseg's init_model build each config: the backbone is V2's
    (GRN, no layer scale) or V1's for DINOv3, the neck's / heads' in_channels derived from it,
    and the parameter count is the model zoo's."""
    row = SUCCESSORS[stem]
    monkeypatch.chdir(ROOT)
    if row['task'] == 'detection':
        from mmdet.apis import init_detector
        model = init_detector(str(_config(stem)), device='cpu')
        assert [c.conv.in_channels for c in model.neck.lateral_convs] == CHANNELS[row['backbone']]
    else:
        from mmseg.apis import init_model
        model = init_model(str(_config(stem)), device='cpu')
        assert list(model.decode_head.in_channels) == CHANNELS[row['backbone']]
        assert model.auxiliary_head.in_channels == CHANNELS[row['backbone']][2]
    block = model.backbone.stages[0][0]
    v2 = 'convnext-v2' in stem
    assert (block.grn is not None) == v2 and (block.gamma is None) == v2
    params = sum(p.numel() for p in model.parameters()) / 1e6
    assert params == pytest.approx(row['params_m'], abs=0.05), params


def test_a_v2_backbone_is_one_edit_and_runs_in_mmdet(monkeypatch):
    """ConvNeXt-T's Mask R-CNN config with one edit (arch='v2-atto'): FPN in_channels derived,
    and mmdet's inference_detector runs it end to end (its RoIAlign reads our outputs)."""
    from mmdet.apis import inference_detector, init_detector
    from mmengine.config import Config
    monkeypatch.chdir(ROOT)
    cfg = Config.fromfile(_config('mask-rcnn_convnext-t_fpn_ms-crop-3x_coco'))
    cfg.merge_from_dict({'model.backbone.arch': 'v2-atto'})
    model = init_detector(cfg, device='cpu')
    assert [c.conv.in_channels for c in model.neck.lateral_convs] == [40, 80, 160, 320]
    image = np.random.default_rng(0).integers(0, 255, (96, 128, 3), dtype=np.uint8)
    result = inference_detector(model, image)
    assert result.pred_instances.bboxes.shape[1] == 4


def test_dinov3_config_reads_its_local_file_and_names_a_missing_one(tmp_path, monkeypatch):
    """DINOv3's files are gated: the config reads the path it names; without the file, the
    error says which file, where to get it and under which licence; with it (written here
    in DINOv3's format), every trunk tensor loads."""
    from mmengine.config import Config
    from backbones.registry import MODELS
    from backbones.weights.hub import CheckpointError
    monkeypatch.chdir(tmp_path)
    cfg = Config.fromfile(_config('upernet_dinov3-convnext-t_160k_ade20k-512x512'))
    path = cfg.model.backbone.init_cfg.checkpoint
    backbone = MODELS.build(cfg.model.backbone)
    with pytest.raises(CheckpointError, match=re.escape(path) + r'.*gated release.*DINOv3 License.*'
                       r'dinov3-downloads'):
        backbone.init_weights()
    state = {k: v for k, v in _official(_timm('convnext_tiny').state_dict()).items()
             if not k.startswith('head.')}
    state.update({k.replace('norm.', 'norms.3.'): v for k, v in state.items() if k.startswith('norm.')})
    Path(path).parent.mkdir(parents=True)
    torch.save(state, path)
    backbone.init_weights()
    loaded = backbone.state_dict()
    assert all(torch.equal(loaded[k], v) for k, v in state.items() if k.startswith('stages.'))


def test_v2_layer_decay_exempts_grn_from_weight_decay():
    """The paper's layer-wise decay on V2: GRN's gamma and beta, stored (1, 1, 1, C), get no
    weight decay (as in the official V2 code) and the lr of their block's layer."""
    from mmengine.optim import build_optim_wrapper
    from mmengine.registry import DefaultScope
    model = torch.nn.Module()
    model.backbone = ConvNeXt(arch='v2-atto')
    with DefaultScope.overwrite_default_scope('backbones'):
        optim = build_optim_wrapper(model, dict(
            type='OptimWrapper', constructor='backbones.LayerDecayOptimWrapperConstructor',
            optimizer=dict(type='AdamW', lr=1e-3, weight_decay=0.05),
            paramwise_cfg=dict(decay_rate=0.9, decay_type='layer_wise', num_layers=6)))
    group = {id(p): g for g in optim.optimizer.param_groups for p in g['params']}
    block = model.backbone.stages[2][5]
    for p in (block.grn.gamma, block.grn.beta):
        assert group[id(p)]['weight_decay'] == 0.0
        assert group[id(p)]['lr'] == group[id(block.pwconv1.weight)]['lr']
    assert group[id(block.pwconv1.weight)]['weight_decay'] == 0.05
