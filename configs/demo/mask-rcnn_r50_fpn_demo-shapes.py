# Demo: the same detector with ResNet-50 from scratch (nothing frozen, BN trained).
_base_ = './mask-rcnn_convnext-t_fpn_demo-shapes.py'
model = dict(backbone=dict(_delete_=True, type='backbones.ResNet', depth=50))
