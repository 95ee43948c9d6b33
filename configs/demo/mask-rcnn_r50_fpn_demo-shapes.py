# Demo: the same detector with ResNet-50 from scratch (nothing frozen, BN trained). BatchNorm
# lets it take a 5x higher lr.
_base_ = './mask-rcnn_convnext-t_fpn_demo-shapes.py'
model = dict(backbone=dict(_delete_=True, type='backbones.ResNet', depth=50))
optim_wrapper = dict(_delete_=True, type='OptimWrapper', clip_grad=dict(max_norm=10),
                     optimizer=dict(type='AdamW', lr=1e-3, weight_decay=0.05, fused=True))  # no layer decay
