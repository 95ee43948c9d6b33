"""The README's main job: train and evaluate the demo detectors on the embedded shapes data.

    python tools/demo.py [CONFIG ...] [--work-dir DIR] [--cfg-options ...]

Writes the data set if missing (data/demo_shapes), trains Mask R-CNN with ConvNeXt-T and
then with ResNet-50 from scratch on the CPU (a few minutes each, progress in the log), prints
COCO box AP and mask AP of each, and saves a picture of each model's predictions on a
validation image to its work dir.
"""
import json
import os.path as osp

import mmcv
from mmengine.config import Config
from mmengine.runner import Runner

from backbones.config import config_from_args, prepare, tool_parser
from backbones.demo_data import make_coco_shapes

DEMOS = ['configs/demo/mask-rcnn_convnext-t_fpn_demo-shapes.py',
         'configs/demo/mask-rcnn_r50_fpn_demo-shapes.py']
ZOOM = 4  # the demo images are small: draw on an enlargement so labels are legible
SCORE_THR = 0.3


def save_prediction(runner: Runner, cfg: Config, out_file: str) -> str:
    """Draw the trained model's confident predictions on the first validation image."""
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
    pred.masks = pred.masks.repeat_interleave(ZOOM, 1).repeat_interleave(ZOOM, 2)
    image = mmcv.imrescale(mmcv.imread(img_path, channel_order='rgb'), ZOOM,
                           interpolation='nearest')
    visualizer = VISUALIZERS.build(dict(type='DetLocalVisualizer', name='demo_picture'))
    visualizer.dataset_meta = dataset.metainfo
    visualizer.add_datasample('prediction', image, data_sample=DetDataSample(pred_instances=pred),
                              draw_gt=False, out_file=out_file, pred_score_thr=SCORE_THR)
    return img_path


def run(cfg: Config) -> dict:
    data_root = cfg.train_dataloader.dataset.data_root
    if not osp.isfile(osp.join(data_root, cfg.train_dataloader.dataset.ann_file)):
        print(f'writing the demo data set to {data_root}')
        make_coco_shapes(data_root)
    runner = Runner.from_cfg(prepare(cfg))
    runner.train()
    metrics = runner.test()
    metrics['picture'] = osp.join(cfg.work_dir, 'prediction.png')
    metrics['image'] = save_prediction(runner, cfg, metrics['picture'])
    with open(osp.join(cfg.work_dir, 'demo_metrics.json'), 'w') as f:
        json.dump(metrics, f, indent=1)
    return metrics


def main() -> None:
    args = tool_parser(__doc__.splitlines()[0], default_configs=DEMOS).parse_args()
    results = {config: run(config_from_args(args, config)) for config in args.config}
    print('\n| demo config | box AP | mask AP | picture |\n| --- | --- | --- | --- |')
    for config, m in results.items():
        print(f"| {osp.basename(config)} | {100 * m['coco/bbox_mAP']:.1f} | "
              f"{100 * m['coco/segm_mAP']:.1f} | {m['picture']} |")


if __name__ == '__main__':
    main()
