"""The README's main job: train and evaluate the demo models on the embedded shapes data.

    python tools/demo.py [CONFIG ...] [--work-dir DIR] [--cfg-options ...]

Writes the demo data sets if missing (data/demo_shapes, COCO format; data/demo_ade_shapes,
ADE20K format), trains Mask R-CNN and UperNet, each with ConvNeXt-T and with ResNet-50, from
scratch on the CPU (a few minutes each, progress in the log), prints box/mask AP and mIoU,
and saves a picture of each model's predictions on a validation image to its work dir
(segmentation: ground truth left, prediction right).
"""
import _quiet  # noqa: F401, I001  (first: hides third-party deprecation warnings)
import json
import os.path as osp

import mmcv
import torch
from mmengine.config import Config
from mmengine.structures import PixelData

from backbones.config import config_from_args, prepare, tool_parser
from backbones.demo_data import make_ade_shapes, make_coco_shapes
from backbones.runner import Runner

DEMOS = ['configs/demo/mask-rcnn_convnext-t_fpn_demo-shapes.py',
         'configs/demo/mask-rcnn_r50_fpn_demo-shapes.py',
         'configs/demo/upernet_convnext-t_demo-shapes.py',
         'configs/demo/upernet_r50_demo-shapes.py']
ZOOM = 4  # the demo images are small: draw on an enlargement so labels are legible
SCORE_THR = 0.3


def _zoom(t: torch.Tensor) -> torch.Tensor:
    return t.repeat_interleave(ZOOM, -2).repeat_interleave(ZOOM, -1)


def save_detection(runner: Runner, cfg: Config, out_file: str) -> str:
    """Draw the trained detector's confident predictions on the first validation image."""
    from mmdet.apis import inference_detector
    from mmdet.registry import VISUALIZERS
    from mmdet.structures import DetDataSample
    dataset = runner.test_dataloader.dataset
    img_path = dataset.get_data_info(0)['img_path']
    model = runner.model
    model.cfg = cfg
    pred = inference_detector(model, img_path).pred_instances
    pred = pred[pred.scores >= SCORE_THR]
    pred.bboxes = pred.bboxes * ZOOM
    pred.masks = _zoom(pred.masks)
    image = mmcv.imrescale(mmcv.imread(img_path, channel_order='rgb'), ZOOM,
                           interpolation='nearest')
    visualizer = VISUALIZERS.build(dict(type='DetLocalVisualizer', name='demo_det_picture'))
    visualizer.dataset_meta = dataset.metainfo
    visualizer.add_datasample('prediction', image, data_sample=DetDataSample(pred_instances=pred),
                              draw_gt=False, out_file=out_file, pred_score_thr=SCORE_THR)
    return img_path


def save_segmentation(runner: Runner, cfg: Config, out_file: str) -> str:
    """Draw ground truth and the trained segmentor's prediction for the first validation
    image side by side."""
    from mmseg.registry import VISUALIZERS
    batch = next(iter(runner.test_dataloader))
    batch = {key: value[:1] for key, value in batch.items()}
    runner.model.eval()
    with torch.no_grad():
        sample = runner.model.test_step(batch)[0]
    for key in ('gt_sem_seg', 'pred_sem_seg'):
        setattr(sample, key, PixelData(data=_zoom(getattr(sample, key).data)))
    image = mmcv.imrescale(mmcv.imread(sample.img_path, channel_order='rgb'), ZOOM,
                           interpolation='nearest')
    visualizer = VISUALIZERS.build(dict(type='SegLocalVisualizer', name='demo_seg_picture',
                                        alpha=0.6))
    visualizer.dataset_meta = runner.test_dataloader.dataset.metainfo
    visualizer.add_datasample('prediction', image, data_sample=sample, out_file=out_file)
    return sample.img_path


def run(cfg: Config) -> dict:
    segmentation = cfg.default_scope == 'mmseg'
    data = cfg.train_dataloader.dataset
    if segmentation and not osp.isdir(data.data_root):
        print(f'writing the demo data set to {data.data_root}')
        make_ade_shapes(data.data_root)
    elif not segmentation and not osp.isfile(osp.join(data.data_root, data.ann_file)):
        print(f'writing the demo data set to {data.data_root}')
        make_coco_shapes(data.data_root)
    # MMEngine keeps one visualizer per name and process: without its own name, each later
    # demo would log into the first demo's work dir.
    cfg.visualizer.name = f'visualizer_{osp.basename(cfg.work_dir)}'
    runner = Runner.from_cfg(prepare(cfg))
    runner.train()
    metrics = runner.test()
    metrics['picture'] = osp.join(cfg.work_dir, 'prediction.png')
    save = save_segmentation if segmentation else save_detection
    metrics['image'] = save(runner, cfg, metrics['picture'])
    with open(osp.join(cfg.work_dir, 'demo_metrics.json'), 'w') as f:
        json.dump(metrics, f, indent=1, default=float)  # mmseg reports numpy floats
    return metrics


def summary(m: dict) -> str:
    if 'mIoU' in m:
        return f"mIoU {m['mIoU']:.1f}, mAcc {m['mAcc']:.1f}, aAcc {m['aAcc']:.1f}"
    return f"box AP {100 * m['coco/bbox_mAP']:.1f}, mask AP {100 * m['coco/segm_mAP']:.1f}"


def main() -> None:
    args = tool_parser(__doc__.splitlines()[0], default_configs=DEMOS).parse_args()
    results = {config: run(config_from_args(args, config)) for config in args.config}
    print('\n| demo config | result (%) | picture |\n| --- | --- | --- |')
    for config, m in results.items():
        print(f"| {osp.basename(config)} | {summary(m)} | {m['picture']} |")


if __name__ == '__main__':
    main()
