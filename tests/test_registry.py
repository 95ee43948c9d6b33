"""mmdet and mmseg configs build our backbones by type string, and necks fit their outputs."""
import pytest
import torch
from mmengine.config import Config
from mmengine.registry import DefaultScope, init_default_scope


@pytest.mark.parametrize('scope', ['mmdet', 'mmseg'])
@pytest.mark.parametrize('backbone', [
    dict(type='backbones.ConvNeXt', arch='tiny', drop_path_rate=0.1),
    dict(type='backbones.ResNet', depth=50, norm_eval=True, frozen_stages=1),
])
def test_build_from_config_by_type_string(scope, backbone):
    cfg = Config(dict(custom_imports=dict(imports=['backbones'], allow_failed_imports=False),
                      model=dict(backbone=backbone)))
    from mmengine.utils import import_modules_from_strings
    import_modules_from_strings(**cfg.custom_imports)
    registry = __import__(f'{scope}.registry', fromlist=['MODELS']).MODELS
    with DefaultScope.overwrite_default_scope(scope):
        model = registry.build(cfg.model.backbone)
    assert type(model).__module__.startswith('backbones.')
    assert model.out_strides == [4, 8, 16, 32]


@pytest.mark.parametrize('backbone', [
    dict(type='backbones.ConvNeXt', arch='tiny'), dict(type='backbones.ResNet', depth=18)])
def test_mmdet_fpn_on_declared_outputs(backbone):
    import backbones  # noqa: F401
    from mmdet.registry import MODELS
    init_default_scope('mmdet')
    body = MODELS.build(backbone).eval()
    neck = MODELS.build(dict(type='FPN', in_channels=body.out_channels, out_channels=32,
                             num_outs=5)).eval()
    with torch.no_grad():
        outs = neck(body(torch.randn(1, 3, 128, 96)))
    assert [tuple(o.shape[-2:]) for o in outs] == [(32, 24), (16, 12), (8, 6), (4, 3), (2, 2)]
