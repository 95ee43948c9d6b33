"""The published figures our configs are measured against, keyed by config name.

ConvNeXt paper (Liu et al. 2022): Table 3 (COCO, 3x, multi-scale training; FLOPs at
1280x800, FPS on an A100), Table 4 (ADE20K UperNet, 160k iterations; multi-scale mIoU;
FLOPs at 2048x512, or 2560x640 for the 640x640 rows), Figure 2 / Table 1 (ImageNet trunks at
224x224). Table 3 prints no parameter counts and Table 4 no single-scale mIoU: those come
from the releases that go with the rows (the official ConvNeXt READMEs; Swin's detection and
segmentation READMEs, and Swin's main README for the 22K UperNet rows, whose figures but for
Swin-L's FLOPs agree with Table 4; the Swin paper for the ResNe(X)t rows, which the ConvNeXt
paper reprints). `None` marks a figure no source gives. `released` is a published fine-tuned model
of the row (None where there is none): the official repository's for ConvNeXt; mmdet's and
mmseg's model zoos for Swin where they hold the row (their retrainings: mmseg's UperNet
Swin-T/S/B score 44.41 / 47.72 / 47.99 single-scale against Swin's 44.51 / 47.64 / 48.13),
else the Swin repository's (its names converted on loading, backbones/engine/runner.revise_state);
the ResNeXt rows' recipe (the Swin paper's) was never released. `vs` is the row a ConvNeXt
row is compared with at the same size, `group` the block of the table it sits in.
"""
from __future__ import annotations

DET, SEG, SEG640, CLS = (800, 1280), (512, 2048), (640, 2560), (224, 224)  # (H, W) counted
GROUPS = ('T', 'S', 'B', 'IN-22K')  # the paper's blocks, in its order

_CONVNEXT = 'https://dl.fbaipublicfiles.com/convnext/'
_SWIN = 'https://github.com/SwinTransformer/storage/releases/download/'
_MMDET = 'https://download.openmmlab.com/mmdetection/v2.0/swin/'
_MMSEG = 'https://download.openmmlab.com/mmsegmentation/v0.5/swin/upernet_swin_{0}_patch4_window7_' \
         '512x512_160k_ade20k_pretrain_224x224_1K/upernet_swin_{0}_patch4_window7_512x512_160k_' \
         'ade20k_pretrain_224x224_1K_{1}.pth'


def _det(backbone, group, box, mask, params, gflops, fps, released=None, vs=None, source='Table 3'):
    return dict(source=source, task='detection', backbone=backbone, group=group, box_ap=box,
                mask_ap=mask, params_m=params, gflops=gflops, fps=fps, shape=DET,
                released=released, vs=vs)


def _seg(backbone, group, ss, ms, params, gflops, released=None, vs=None, shape=SEG):
    return dict(source='Table 4', task='segmentation', backbone=backbone, group=group,
                miou=ss, miou_ms=ms, params_m=params, gflops=gflops, shape=shape,
                released=released, vs=vs)


_CASCADE = 'cascade-mask-rcnn_{}_fpn_4conv1fc-giou_ms-crop-3x_coco'
_UPER, _UPER640 = 'upernet_{}_160k_ade20k-512x512', 'upernet_{}_160k_ade20k-640x640'

PAPER: dict[str, dict] = {
    # Table 3: Mask R-CNN 3x
    'mask-rcnn_swin-t_fpn_ms-crop-3x_coco': _det(
        'Swin-T', 'T', 46.0, 41.6, 48, 267, 23.1, _MMDET + 'mask_rcnn_swin-t-p4-w7_fpn_ms-crop-3x_coco/'
        'mask_rcnn_swin-t-p4-w7_fpn_ms-crop-3x_coco_20210906_131725-bacf6f7b.pth'),
    'mask-rcnn_convnext-t_fpn_ms-crop-3x_coco': _det(
        'ConvNeXt-T', 'T', 46.2, 41.7, 48, 262, 25.6, _CONVNEXT + 'coco/mask_rcnn_convnext_tiny_1k_3x.pth',
        vs='mask-rcnn_swin-t_fpn_ms-crop-3x_coco'),
    # Table 3: Cascade Mask R-CNN 3x (ResNe(X)t rows from the Swin paper)
    _CASCADE.format('r50'): _det('ResNet-50', 'T', 46.3, 40.1, 82, 739, 16.2, source='Table 3 (Swin)'),
    _CASCADE.format('x101-32x4d'): _det('X101-32x4d', 'S', 48.1, 41.6, 101, 819, 13.8, source='Table 3 (Swin)'),
    _CASCADE.format('x101-64x4d'): _det('X101-64x4d', 'B', 48.3, 41.7, 140, 972, 12.6, source='Table 3 (Swin)'),
    _CASCADE.format('swin-t'): _det(
        'Swin-T', 'T', 50.4, 43.7, 86, 745, 12.2, _SWIN + 'v1.0.2/cascade_mask_rcnn_swin_tiny_patch4_window7.pth'),
    _CASCADE.format('convnext-t'): _det(
        'ConvNeXt-T', 'T', 50.4, 43.7, 86, 741, 13.5, _CONVNEXT + 'coco/cascade_mask_rcnn_convnext_tiny_1k_3x.pth',
        vs=_CASCADE.format('swin-t')),
    _CASCADE.format('swin-s'): _det(
        'Swin-S', 'S', 51.9, 45.0, 107, 838, 11.4, _SWIN + 'v1.0.2/cascade_mask_rcnn_swin_small_patch4_window7.pth'),
    _CASCADE.format('convnext-s'): _det(
        'ConvNeXt-S', 'S', 51.9, 45.0, 108, 827, 12.0, _CONVNEXT + 'coco/cascade_mask_rcnn_convnext_small_1k_3x.pth',
        vs=_CASCADE.format('swin-s')),
    _CASCADE.format('swin-b'): _det(
        'Swin-B', 'B', 51.9, 45.0, 145, 982, 10.7, _SWIN + 'v1.0.2/cascade_mask_rcnn_swin_base_patch4_window7.pth'),
    _CASCADE.format('convnext-b'): _det(
        'ConvNeXt-B', 'B', 52.7, 45.6, 146, 964, 11.4, _CONVNEXT + 'coco/cascade_mask_rcnn_convnext_base_1k_3x.pth',
        vs=_CASCADE.format('swin-b')),
    _CASCADE.format('swin-b-in22k-pre'): _det('Swin-B‡', 'IN-22K', 53.0, 45.8, 145, 982, 10.7),
    _CASCADE.format('convnext-b-in22k-pre'): _det(
        'ConvNeXt-B‡', 'IN-22K', 54.0, 46.9, 146, 964, 11.5, _CONVNEXT + 'coco/cascade_mask_rcnn_convnext_base_22k_3x.pth',
        vs=_CASCADE.format('swin-b-in22k-pre')),
    _CASCADE.format('swin-l-in22k-pre'): _det('Swin-L‡', 'IN-22K', 53.9, 46.7, None, 1382, 9.2),
    _CASCADE.format('convnext-l-in22k-pre'): _det(
        'ConvNeXt-L‡', 'IN-22K', 54.8, 47.6, 255, 1354, 10.0, _CONVNEXT + 'coco/cascade_mask_rcnn_convnext_large_22k_3x.pth',
        vs=_CASCADE.format('swin-l-in22k-pre')),
    _CASCADE.format('convnext-xl-in22k-pre'): _det(
        'ConvNeXt-XL‡', 'IN-22K', 55.2, 47.7, 407, 1898, 8.6, _CONVNEXT + 'coco/cascade_mask_rcnn_convnext_xlarge_22k_3x.pth'),
    # Table 4: UperNet 160k (single-scale mIoU from the releases)
    _UPER.format('swin-t'): _seg('Swin-T', 'T', 44.51, 45.8, 60, 945,
                                 _MMSEG.format('tiny', '20210531_112542-e380ad3e')),
    _UPER.format('convnext-t'): _seg('ConvNeXt-T', 'T', 46.0, 46.7, 60, 939,
                                     _CONVNEXT + 'ade20k/upernet_convnext_tiny_1k_512x512.pth',
                                     vs=_UPER.format('swin-t')),
    _UPER.format('swin-s'): _seg('Swin-S', 'S', 47.64, 49.5, 81, 1038,
                                 _MMSEG.format('small', '20210526_192015-ee2fff1c')),
    _UPER.format('convnext-s'): _seg('ConvNeXt-S', 'S', 48.7, 49.6, 82, 1027,
                                     _CONVNEXT + 'ade20k/upernet_convnext_small_1k_512x512.pth',
                                     vs=_UPER.format('swin-s')),
    _UPER.format('swin-b'): _seg('Swin-B', 'B', 48.13, 49.7, 121, 1188,
                                 _MMSEG.format('base', '20210526_192340-593b0e13')),
    _UPER.format('convnext-b'): _seg('ConvNeXt-B', 'B', 49.1, 49.9, 122, 1170,
                                     _CONVNEXT + 'ade20k/upernet_convnext_base_1k_512x512.pth',
                                     vs=_UPER.format('swin-b')),
    _UPER640.format('swin-b-in22k-pre'): _seg('Swin-B‡', 'IN-22K', 50.04, 51.7, 121, 1841, shape=SEG640),
    _UPER640.format('convnext-b-in22k-pre'): _seg(
        'ConvNeXt-B‡', 'IN-22K', 52.6, 53.1, 122, 1828, _CONVNEXT + 'ade20k/upernet_convnext_base_22k_640x640.pth',
        vs=_UPER640.format('swin-b-in22k-pre'), shape=SEG640),
    # Swin's README prints 3230G for this row; the ConvNeXt paper's Table 4, 2468G (we count 2584).
    _UPER640.format('swin-l-in22k-pre'): _seg('Swin-L‡', 'IN-22K', 52.05, 53.5, 234, 2468, shape=SEG640),
    _UPER640.format('convnext-l-in22k-pre'): _seg(
        'ConvNeXt-L‡', 'IN-22K', 53.2, 53.7, 235, 2458, _CONVNEXT + 'ade20k/upernet_convnext_large_22k_640x640.pth',
        vs=_UPER640.format('swin-l-in22k-pre'), shape=SEG640),
    _UPER640.format('convnext-xl-in22k-pre'): _seg(
        'ConvNeXt-XL‡', 'IN-22K', 53.6, 54.0, 391, 3335, _CONVNEXT + 'ade20k/upernet_convnext_xlarge_22k_640x640.pth',
        shape=SEG640),
    # ImageNet trunks
    'convnext-t_in1k-224': dict(source='Table 1 (printed as 28M)', task='classification',
                                backbone='ConvNeXt-T', params_m=28.6, gflops=4.5, shape=CLS),
    'r50_in1k-224': dict(source='Figure 2', task='classification', backbone='ResNet-50',
                         params_m=25.6, gflops=4.1, shape=CLS),
}


# Beyond the paper: ConvNeXt V2 (Woo et al. 2023) and DINOv3's ConvNeXt (Simeoni et al. 2025).
# Figures are the V2 paper's (Tables 6 and 7: Mask R-CNN 3x, UperNet 160k) for its FCMAE
# pretraining, the pretraining of the released ImageNet-1K fine-tuned weights the configs load;
# `supervised` is the same row trained with labels only. DINOv3 published no detection or
# segmentation figure for its ConvNeXts: None, said so in `source`. params_m / gflops are ours,
# counted by tools/get_flops.py at the input sizes above (neither paper prints them; GRN's
# element-wise work is free in this count, as norms' and activations' are).
_V2 = 'ConvNeXt V2 paper, Table {}: FCMAE pretraining; supervised {}'
_DINOV3 = 'DINOv3: no published figure'
SUCCESSORS: dict[str, dict] = {
    'mask-rcnn_convnext-v2-b_fpn_ms-crop-3x_coco': _det(
        'ConvNeXt V2-B', 'B', 52.9, 46.6, 108.1, 486, None, source=_V2.format(6, '51.0 / 45.6')),
    'mask-rcnn_dinov3-convnext-t_fpn_ms-crop-3x_coco': _det(
        'DINOv3 ConvNeXt-T', 'T', None, None, 48.1, 262, None, source=_DINOV3),
    'mask-rcnn_dinov3-convnext-b_fpn_ms-crop-3x_coco': _det(
        'DINOv3 ConvNeXt-B', 'B', None, None, 108.0, 486, None, source=_DINOV3),
    'upernet_convnext-v2-b_160k_ade20k-512x512': dict(
        _seg('ConvNeXt V2-B', 'B', 52.1, None, 122.2, 1171), source=_V2.format(7, '50.5')),
    'upernet_dinov3-convnext-t_160k_ade20k-512x512': dict(
        _seg('DINOv3 ConvNeXt-T', 'T', None, None, 60.2, 940), source=_DINOV3),
    'upernet_dinov3-convnext-b_160k_ade20k-512x512': dict(
        _seg('DINOv3 ConvNeXt-B', 'B', None, None, 122.1, 1171), source=_DINOV3),
}


# The rows the test suite counts (tests/test_flops_roadmap.py): each model family and method
# once, ConvNeXt at its smallest and largest 1K size (T in Mask R-CNN and UperNet, B in
# Cascade; S differs from T only in depth, and its parameters are checked against timm's in
# tests/test_backbones.py), at the cost CI can pay; `python tools/get_flops.py --paper` counts
# every row.
SUITE_ROWS = ('mask-rcnn_convnext-t_fpn_ms-crop-3x_coco', 'mask-rcnn_swin-t_fpn_ms-crop-3x_coco',
              'cascade-mask-rcnn_r50_fpn_4conv1fc-giou_ms-crop-3x_coco',
              'cascade-mask-rcnn_convnext-b_fpn_4conv1fc-giou_ms-crop-3x_coco',
              'upernet_convnext-t_160k_ade20k-512x512', 'upernet_swin-t_160k_ade20k-512x512',
              'convnext-t_in1k-224', 'r50_in1k-224')


def paper_shape(cfg) -> tuple[int, int]:
    """(H, W) the papers count a config's FLOPs at: by its task (default scope) and crop."""
    if cfg.get('default_scope') == 'mmseg':
        return SEG640 if tuple(cfg.get('crop_size', (512, 512))) == (640, 640) else SEG
    return {'mmdet': DET}.get(cfg.get('default_scope'), CLS)


# -- the model zoo page (docs/model_zoo.md, tools/model_zoo.py) ------------------------------
def _fmt(v) -> str:
    return '-' if v is None else f'{v:g}'


def _link(url: str | None, text: str) -> str:
    return f'[{text}]({url})' if url else '-'


def zoo_rows(root: str = '.', table: dict | None = None) -> list[dict]:
    """Per row of `table` (PAPER by default): its config, the pretrained weights the config
    reads (its backbone's init_cfg), the released fine-tuned model, the published figures and
    the evaluation command."""
    import glob
    import os.path as osp

    from mmengine.config import Config
    rows = []
    for stem, row in (PAPER if table is None else table).items():
        if row['task'] == 'classification':
            continue
        paths = sorted(glob.glob(osp.join(root, 'configs', '*', f'{stem}.py')))
        if len(paths) != 1:
            raise FileNotFoundError(f'backbones/evaluation/paper.py names {stem!r}, but configs/ holds '
                                    f'{len(paths)} files of that name')
        config = osp.relpath(paths[0], root)
        backbone = Config.fromfile(paths[0]).model.backbone
        pretrained = (backbone.get('init_cfg') or {}).get('checkpoint')
        command = (f'python tools/test.py {config} {row["released"]}' if row['released'] else
                   f'tools/dist_train.sh {config} 8, then python tools/test.py {config} '
                   'work_dirs/<name>/<checkpoint>.pth')
        if row['task'] == 'segmentation' and row['released']:
            command += ' [--tta for multi-scale]'
        rows.append(dict(stem=stem, config=config, pretrained=pretrained, **row,
                         command=command))
    return rows


def model_zoo_markdown(root: str = '.') -> str:
    """docs/model_zoo.md: one table per paper table, rows in the paper's groups."""
    rows = zoo_rows(root)
    out = ['# Model zoo: every row of the ConvNeXt paper\'s Tables 3 and 4', '',
           'Generated by `python tools/model_zoo.py` from `configs/` and `backbones/evaluation/paper.py` '
           '(a test checks it is current). Figures are the paper\'s (single-scale mIoU and '
           'parameter counts from the rows\' own releases where the paper prints none); '
           '"-" where no source gives one. ‡: pre-trained on ImageNet-22K. Weights are '
           'downloaded on first use and cached by URL.', '']
    for task, title, cols in (
            ('detection', 'COCO (Table 3): Mask R-CNN and Cascade Mask R-CNN, 3x',
             ('box AP', 'mask AP', 'params (M)', 'GFLOPs', 'FPS')),
            ('segmentation', 'ADE20K (Table 4): UperNet, 160k iterations',
             ('mIoU', 'mIoU ms', 'params (M)', 'GFLOPs'))):
        keys = {'box AP': 'box_ap', 'mask AP': 'mask_ap', 'params (M)': 'params_m',
                'GFLOPs': 'gflops', 'FPS': 'fps', 'mIoU': 'miou', 'mIoU ms': 'miou_ms'}
        out += [f'## {title}', '',
                '| group | backbone | config | ' + ' | '.join(cols)
                + ' | pretrained | fine-tuned model | evaluate |',
                '|' + ' --- |' * (len(cols) + 6)]
        for group in GROUPS:
            for r in (r for r in rows if r['task'] == task and r['group'] == group):
                cells = [group, r['backbone'], f'[{r["stem"]}]({"../" + r["config"]})']
                cells += [_fmt(r[keys[c]]) for c in cols]
                cells += [_link(r['pretrained'], 'weights'), _link(r['released'], 'model'),
                          f'`{r["command"]}`']
                out.append('| ' + ' | '.join(cells) + ' |')
        out.append('')
    return '\n'.join(out + _successors_markdown(root))


def _successors_markdown(root: str) -> list[str]:
    """The model zoo's section for SUCCESSORS: published figures where there are any."""
    out = ['## Beyond the paper: ConvNeXt V2 and DINOv3\'s ConvNeXt', '',
           'Same detectors, segmentors and schedules; the backbone swapped by one `backbone=dict(...)` '
           'edit. Published figures are the ConvNeXt V2 paper\'s; DINOv3 published none for its '
           'ConvNeXts. Params and GFLOPs are ours (`tools/get_flops.py`, at 1280x800 and 2048x512). '
           'DINOv3\'s weights are gated: download them by hand after accepting the DINOv3 License, '
           'to the path the config names.', '',
           '| task | backbone | config | published (source) | params (M) | GFLOPs | pretrained | train, then evaluate |',
           '|' + ' --- |' * 8]
    for r in zoo_rows(root, SUCCESSORS):
        figures = ([r['box_ap'], r['mask_ap']] if r['task'] == 'detection' else [r['miou']])
        published = (' / '.join(_fmt(v) for v in figures) + f' ({r["source"]})'
                     if None not in figures else r['source'])
        cells = [r['task'], r['backbone'], f'[{r["stem"]}]({"../" + r["config"]})', published,
                 _fmt(r['params_m']), _fmt(r['gflops']), _link(r['pretrained'], 'weights')
                 if '://' in (r['pretrained'] or '') else f'`{r["pretrained"]}`', f'`{r["command"]}`']
        out.append('| ' + ' | '.join(cells) + ' |')
    return out + ['']


# -- the paper's comparisons (tools/report.py) ----------------------------------------------
COMPARED = {'detection': (('box AP', 'box_ap'), ('mask AP', 'mask_ap')),
            'segmentation': (('mIoU', 'miou'), ('mIoU ms', 'miou_ms'))}


def comparison_markdown(measured: dict[str, dict]) -> str:
    """The paper's comparisons as it draws them: per task and size group (T, S, B, IN-22K)
    each ConvNeXt row beside the row it is compared with, the paper's figures and delta, and
    the measured ones where both runs exist (with `measured`, only pairs it has a row of;
    without, every pair). `measured`: config stem -> {'box AP': ..,
    'mask AP': .., 'mIoU': ..} (percent)."""
    lines = ['| task | group | ConvNeXt | vs | metric | paper: ConvNeXt / other (delta) '
             '| measured: ConvNeXt / other (delta) |', '|' + ' --- |' * 7]
    for task in ('detection', 'segmentation'):
        for group in GROUPS:
            for stem, row in PAPER.items():
                if row['task'] != task or row['group'] != group or not row.get('vs'):
                    continue
                if measured and stem not in measured and row['vs'] not in measured:
                    continue  # a report shows the pairs it measured
                other = PAPER[row['vs']]
                for name, key in COMPARED[task]:
                    a, b = row.get(key), other.get(key)
                    paper = (f'{a:g} / {b:g} ({a - b:+.1f})' if a is not None and b is not None
                             else '-')
                    ours = [measured.get(s, {}).get(name) for s in (stem, row['vs'])]
                    got = (f'{ours[0]:.1f} / {ours[1]:.1f} ({ours[0] - ours[1]:+.1f})'
                           if None not in ours else '-')
                    lines.append(f'| {task} | {group} | {row["backbone"]} | {other["backbone"]} '
                                 f'| {name} | {paper} | {got} |')
    return '\n'.join(lines) + '\n'
