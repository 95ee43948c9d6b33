"""The README's main job: train and evaluate the demo detector on the embedded shapes data.

    python tools/demo.py [CONFIG] [--work-dir DIR] [--cfg-options ...]

Writes the data set if missing (data/demo_shapes), trains Mask R-CNN ConvNeXt-T on the CPU
(a few minutes, progress in the log), prints COCO box AP and mask AP, and saves a picture of
the predictions on a validation image to the work dir.
"""
import json
import os.path as osp

import mmcv
from mmengine.config import Config
from mmengine.runner import Runner

from backbones.config import config_from_args, prepare, tool_parser
from backbones.demo_data import make_coco_shapes

DEMO = 'configs/demo/mask-rcnn_convnext-t_fpn_demo-shapes.py'




def save_prediction(runner: Runner, cfg: Config, out_file: str) -> str:
    """Draw the trained model's predictions on the first validation image."""
    from mmdet.apis import inference_detector
    from mmdet.registry import VISUALIZERS
    dataset = runner.test_dataloader.dataset
    img_path = dataset.get_data_info(0)['img_path']
    model = runner.model
    model.cfg = cfg
    result = inference_detector(model, img_path)
    visualizer = VISUALIZERS.build(dict(type='DetLocalVisualizer', name='demo_picture'))
    visualizer.dataset_meta = dataset.metainfo
    visualizer.add_datasample('prediction', mmcv.imread(img_path, channel_order='rgb'),
                              data_sample=result, draw_gt=False, out_file=out_file,
                              pred_score_thr=0.5)
    return img_path


def main() -> None:
    cfg = config_from_args(tool_parser(__doc__.splitlines()[0], default_config=DEMO).parse_args())
    data_root = cfg.train_dataloader.dataset.data_root
    if not osp.isfile(osp.join(data_root, cfg.train_dataloader.dataset.ann_file)):
        print(f'writing the demo data set to {data_root}')
        make_coco_shapes(data_root)
    runner = Runner.from_cfg(prepare(cfg))
    runner.train()
    metrics = runner.test()
    picture = osp.join(cfg.work_dir, 'prediction.png')
    img_path = save_prediction(runner, cfg, picture)
    box, mask = metrics['coco/bbox_mAP'], metrics['coco/segm_mAP']
    with open(osp.join(cfg.work_dir, 'demo_metrics.json'), 'w') as f:
        json.dump(dict(metrics, picture=picture), f, indent=1)
    print(f'\ndemo detector on {len(runner.test_dataloader.dataset)} validation images: '
          f'box AP {100 * box:.1f}, mask AP {100 * mask:.1f}\n'
          f'predictions on {img_path} drawn to {picture}')


if __name__ == '__main__':
    main()
