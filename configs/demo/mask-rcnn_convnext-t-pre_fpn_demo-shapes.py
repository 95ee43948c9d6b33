# Demo fine-tuning: ./mask-rcnn_convnext-t_fpn_demo-shapes.py from the demo-pretrained weights, which
# tools/study.py writes in the official release's format ({'model': ...}).
_base_ = './mask-rcnn_convnext-t_fpn_demo-shapes.py'
model = dict(backbone=dict(init_cfg=dict(
    type='Pretrained', checkpoint='work_dirs/study/weights/convnext_tiny_demo-shapes.pth')))
