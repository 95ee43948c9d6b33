# Cross-check of the demo pretraining: timm's convnext_tiny in place of backbones.ConvNeXt, with
# the same head layout (pool -> LayerNorm -> Linear), data, preprocessor, optimizer, schedule
# and seed as convnext-t_demo-shapes-cls.py:
#   python tools/train.py configs/demo/timm-convnext-t_demo-shapes-cls.py
_base_ = './convnext-t_demo-shapes-cls.py'
model = dict(_delete_=True, type='backbones.TimmClassifier', model_name='convnext_tiny',
             num_classes=6, model_kwargs=dict(drop_path_rate=0.05, ls_init_value=1e-6),
             data_preprocessor={{_base_.model.data_preprocessor}})
