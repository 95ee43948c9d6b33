"""Pictures of a trained model's predictions (the demo's and tools/study.py's).

Detection: the confident detections with their masks on the first validation image;
segmentation: ground truth left, prediction right. Small images are drawn enlarged.
"""
from __future__ import annotations

import mmcv
import torch
from mmengine.structures import PixelData

ZOOM = 4  # the demo images are small: draw on an enlargement so labels are legible
SCORE_THR = 0.3


def _zoom(t: torch.Tensor) -> torch.Tensor:
    return t.repeat_interleave(ZOOM, -2).repeat_interleave(ZOOM, -1)


def save_detection(runner, cfg, out_file: str) -> str:
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


def save_segmentation(runner, cfg, out_file: str) -> str:
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
