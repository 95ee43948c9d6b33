# Demo fine-tuning: ./mask-rcnn_r50_fpn_demo-shapes.py from the demo-pretrained weights, which
# tools/study.py writes in the official release's format (torchvision's state dict).
_base_ = './mask-rcnn_r50_fpn_demo-shapes.py'
model = dict(backbone=dict(init_cfg=dict(
    type='Pretrained', checkpoint='work_dirs/study/weights/resnet50_demo-shapes.pth')))
