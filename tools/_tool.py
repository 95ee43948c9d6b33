"""What the tools share. Imported first by every tool: it hides the third-party deprecation
warnings that a user of the tools cannot act on (mmengine, mmdet and mmseg import
pkg_resources, and warn about their own APIs they call themselves); only the tools filter
them, importing `backbones` filters nothing. Then the arguments every config-running tool
takes (`tool_parser`) and their application to a config (`read_config`, `config_from_args`).
"""
import argparse
import os
import os.path as osp
import warnings

for message in ('pkg_resources is deprecated', '``build_loss`` would be deprecated',
                'Default ``avg_non_ignore`` is False', '`reduce_zero_label` will be deprecated'):
    warnings.filterwarnings('ignore', message=message, category=UserWarning)


from mmengine.config import Config, DictAction  # noqa: E402  (after the filters)

from backbones.engine.config import add_tensorboard, check_keys  # noqa: E402


def tool_parser(description: str, *, default_configs: list[str] | None = None
                ) -> argparse.ArgumentParser:
    """The arguments every tool shares: CONFIG, --work-dir, --cfg-options, --launcher,
    --unsafe-load. With `default_configs`, CONFIG is a list that defaults to them."""
    parser = argparse.ArgumentParser(description=description)
    if default_configs:
        parser.add_argument('config', nargs='*', default=default_configs,
                            help=f'config files (default: {" ".join(default_configs)})')
    else:
        parser.add_argument('config', help='config file')
    parser.add_argument('--work-dir', help='where logs and checkpoints go '
                        '(default: work_dirs/<config name>)')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction, default={},
                        help='override config fields, e.g. train_cfg.max_iters=10')
    parser.add_argument('--launcher', choices=['none', 'pytorch', 'slurm'], default='none',
                        help="'pytorch' under torchrun (tools/dist_train.sh), 'slurm' under "
                        'srun (tools/slurm_train.sh)')
    parser.add_argument('--unsafe-load', action='store_true',
                        help='load checkpoints with full unpickling (only files you trust)')
    parser.add_argument('--tensorboard', action='store_true',
                        help='also log scalars for TensorBoard (work_dir/<timestamp>/vis_data; '
                        'needs `pip install tensorboard`)')
    return parser


def read_config(config: str, cfg_options: dict) -> Config:
    """The config file with --cfg-options merged in; top-level keys that nothing reads (in
    the file or among the options) are refused (`check_keys`)."""
    cfg = Config.fromfile(config)
    file_keys = set(cfg.keys())
    cfg.merge_from_dict(cfg_options)
    check_keys(cfg, config, [k.split('.')[0] for k in cfg_options if
                             k.split('.')[0] not in file_keys])
    return cfg


def config_from_args(args: argparse.Namespace, config: str | None = None) -> Config:
    """Read `config` (default: args.config) and apply the shared arguments (`tool_parser`)."""
    if args.unsafe_load:  # every torch.load inside MMEngine then unpickles everything
        os.environ['TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD'] = '1'
    config = config or args.config
    cfg = read_config(config, args.cfg_options)
    cfg.launcher = args.launcher
    if getattr(args, 'tensorboard', False):
        add_tensorboard(cfg)
    name = osp.splitext(osp.basename(config))[0]
    if args.work_dir and isinstance(args.config, list) and len(args.config) > 1:
        cfg.work_dir = osp.join(args.work_dir, name)
    else:
        cfg.work_dir = args.work_dir or cfg.get('work_dir') or osp.join('work_dirs', name)
    return cfg
