# Demo fine-tuning: ./upernet_r50_demo-shapes.py from the demo-pretrained weights, which
# tools/study.py writes in the official release's format (torchvision's state dict).
_base_ = './upernet_r50_demo-shapes.py'
model = dict(backbone=dict(init_cfg=dict(
    _delete_=True, type='Pretrained', checkpoint='work_dirs/study/weights/resnet50_demo-shapes.pth')))
