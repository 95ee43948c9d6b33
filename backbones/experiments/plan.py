"""The paper's experiment as a list of runs. One `Run` is one config trained and tested in its
own work dir. The demo plan (`demo_plan`) pretrains ConvNeXt-T's and ResNet-50's ImageNet
classifiers on the demo's classification set, exports each as its official release file
(backbones.ImageClassifier.export_release), and fine-tunes Mask R-CNN and UperNet from those
files and from scratch: same configs, schedule, seed and data; only what the init means
differs. The paper plan (`paper_plan`) names the same eight fine-tuning runs at full scale
(COCO 3x, ADE20K 160k) from the official weights, as commands for a cluster
(`paper_command`). `runs` executes a plan, `tables` turns its results into the table and
figure.
"""
from __future__ import annotations

import functools
import os.path as osp
from dataclasses import dataclass


@dataclass(frozen=True)
class Run:
    backbone: str  # 'ConvNeXt-T' | 'ResNet-50'
    task: str  # 'pretraining' | 'detection' | 'segmentation'
    init: str  # 'scratch' | 'pretrained'
    config: str
    cfg_options: tuple = ()  # (key, value) pairs applied to the config
    export: str | None = None  # pretraining: where the release-format weights go
    needs: str | None = None  # a file another run writes first (the pretrained weights)
    seed: int | None = None  # randomness.seed for this run (None: the config's own)

    @property
    def name(self) -> str:
        # one config, two runs: its scratch run sets the backbone's init_cfg
        scratch_of_pretrained = self.init == 'scratch' and any(
            k.startswith('model.backbone.init_cfg') for k, _ in self.cfg_options)
        return (osp.splitext(osp.basename(self.config))[0]
                + ('_scratch' if scratch_of_pretrained else '')
                + (f'_seed{self.seed}' if self.seed is not None else ''))


REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))  # the checkout, above backbones/experiments/


@functools.lru_cache(maxsize=None)
def read_config(config: str):
    """The config file `config`, parsed once per process and only read from: the scheduler
    asks each run's config for its key, length and precision, and MMEngine takes about a
    second to resolve a config's mmdet / mmseg bases."""
    from mmengine.config import Config
    return Config.fromfile(config)


def _init_checkpoint(config: str) -> str:
    """The file a fine-tuning config's backbone starts from (its init_cfg)."""
    init = read_config(config).model.backbone.get('init_cfg') or {}
    if init.get('type') != 'Pretrained':
        raise ValueError(f'{config}: model.backbone.init_cfg is not Pretrained')
    return init['checkpoint']


SEEDS = (0, 1)  # every run of the demo chain (pretraining and fine-tuning) runs once per seed


def seeded_weights(path: str, seed: int) -> str:
    """Where pretraining seed `seed` exports: the -pre configs' own file for seed 0 (so they
    run as they are after make demo), `<name>_seed<s>.pth` beside it for the others."""
    stem, ext = osp.splitext(path)
    return path if seed == 0 else f'{stem}_seed{seed}{ext}'


def demo_plan(seeds: tuple[int, ...] = SEEDS) -> list[Run]:
    """Per backbone and seed s: pretraining with seed s, exported as released; then detection
    and segmentation from scratch and from that export, each with seed s. So a cell's range
    holds the pretraining's variance too; scratch and pretrained runs of a cell differ only in
    what their init means (init_cfg, and SCRATCH's values, which the scratch configs hold)."""
    pretraining, runs = [], []
    for backbone, tag in (('ConvNeXt-T', 'convnext-t'), ('ResNet-50', 'r50')):
        config = osp.join(REPO, 'configs', 'demo', '{}.py').format
        pretrained = {'detection': config(f'mask-rcnn_{tag}-pre_fpn_demo-shapes'),
                      'segmentation': config(f'upernet_{tag}-pre_demo-shapes')}
        scratch = {'detection': config(f'mask-rcnn_{tag}_fpn_demo-shapes'),
                   'segmentation': config(f'upernet_{tag}_demo-shapes')}
        exported = _init_checkpoint(pretrained['detection'])  # the file the -pre configs read
        for seed in seeds:
            weights = seeded_weights(exported, seed)
            pretraining.append(Run(backbone, 'pretraining', 'scratch',
                                   config(f'{tag}_demo-shapes-cls'), export=weights, seed=seed))
            for task in ('detection', 'segmentation'):
                runs.append(Run(backbone, task, 'scratch', scratch[task], seed=seed))
                runs.append(Run(backbone, task, 'pretrained', pretrained[task], needs=weights,
                                seed=seed, cfg_options=(
                                    ('model.backbone.init_cfg.checkpoint', weights),)))
    return pretraining + runs


# What training from scratch means for each backbone, beyond dropping init_cfg. ResNet-50:
# nothing frozen at its random init (mmdet's recipe freezes the stem and BatchNorm statistics,
# right only for pretrained weights). ConvNeXt-T: layer scale from the official from-scratch
# 1e-6 (the fine-tuning configs' 1.0 is overwritten by a checkpoint; from scratch nothing
# overwrites it). The demo's scratch configs are written with the same values.
SCRATCH = {'ResNet-50': (('model.backbone.frozen_stages', -1), ('model.backbone.norm_eval', False)),
           'ConvNeXt-T': (('model.backbone.layer_scale_init_value', 1e-6),)}

PAPER_CONFIGS = {('ConvNeXt-T', 'detection'): 'configs/mask_rcnn/mask-rcnn_convnext-t_fpn_ms-crop-3x_coco.py',
                 ('ResNet-50', 'detection'): 'configs/mask_rcnn/mask-rcnn_r50_fpn_ms-crop-3x_coco.py',
                 ('ConvNeXt-T', 'segmentation'): 'configs/upernet/upernet_convnext-t_160k_ade20k-512x512.py',
                 ('ResNet-50', 'segmentation'): 'configs/upernet/upernet_r50_160k_ade20k-512x512.py'}


def paper_plan(pretrained: dict[str, str] | None = None) -> list[Run]:
    """The eight fine-tuning runs at the paper's scale, their configs relative to the checkout
    (the commands are run from there). Pretrained runs read the configs' weights (the official
    URLs) unless `pretrained` maps a backbone to another file or URL; scratch runs set the
    backbone's init_cfg to None. Options are single `key=value` settings, as --cfg-options
    takes them on the command line (`paper_command`)."""
    runs = []
    for (backbone, task), config in PAPER_CONFIGS.items():
        weights = (pretrained or {}).get(backbone)
        init = ((('model.backbone.init_cfg.type', 'Pretrained'),
                 ('model.backbone.init_cfg.checkpoint', weights)) if weights else ())
        runs.append(Run(backbone, task, 'pretrained', config, cfg_options=init))
        runs.append(Run(backbone, task, 'scratch', config,
                        cfg_options=(('model.backbone.init_cfg', None), *SCRATCH[backbone])))
    return runs


def _option(key: str, value) -> str:
    """One --cfg-options item that MMEngine's DictAction reads back as `value`."""
    if value is not None and not isinstance(value, (bool, int, float, str)):
        raise TypeError(f'{key}: {value!r} cannot be written as one --cfg-options item')
    if isinstance(value, str) and any(c.isspace() for c in value):
        raise ValueError(f'{key}={value!r}: MMEngine\'s --cfg-options drops every space in a '
                         'value, so the command could not pass it on; use a path without spaces')
    return f'{key}={value}'  # None / True / False / -1 / text: DictAction parses them back


def paper_command(run: Run, root: str, gpus: int = 8) -> list[str]:
    """The cluster command of a paper-scale run, one argument per list item."""
    options = [_option(k, v) for k, v in run.cfg_options]
    return (['tools/dist_train.sh', run.config, str(gpus), '--work-dir', work_dir(run, root)]
            + (['--cfg-options', *options] if options else []))


def work_dir(run: Run, root: str) -> str:
    return osp.join(root, run.name)


def precision_of(run: Run) -> str:
    """The precision the run's training forward will use on this machine: 'float32', or the
    autocast dtype where its config asks for one and the device computes it natively."""
    import torch
    from ..engine.precision import autocast_unsupported
    wrapper = read_config(run.config).optim_wrapper
    if wrapper.get('type') not in ('backbones.AutocastOptimWrapper', 'AutocastOptimWrapper'):
        return 'float32'
    dtype = wrapper.get('dtype', 'bfloat16')
    device = 'cuda' if torch.cuda.is_available() else 'cpu'
    reason = autocast_unsupported(device, getattr(torch, dtype))
    return f'float32 (config asks {dtype}; {reason})' if reason else f'{dtype} autocast'
