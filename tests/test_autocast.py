"""backbones.AutocastOptimWrapper, as the demo pretraining config builds it: the training
forward runs in bfloat16 on the CPU, the parameters, their gradients and the optimizer state
stay float32, the loss is the float32 loss to bfloat16's precision; evaluation is float32."""
import pytest
import torch
from mmengine.config import Config
from mmengine.optim import build_optim_wrapper
from mmengine.registry import init_default_scope

from backbones import ImageClassifier
from backbones.engine.optim import AutocastOptimWrapper

CONFIG = 'configs/demo/convnext-t_demo-shapes-cls.py'


def _model() -> ImageClassifier:
    cfg = Config.fromfile(CONFIG)
    torch.manual_seed(0)
    model = ImageClassifier(backbone=dict(cfg.model.backbone, drop_path_rate=0.0, arch=dict(
        depths=[1, 1, 1, 1], channels=[16, 32, 64, 128])), num_classes=6,
        data_preprocessor=cfg.model.data_preprocessor)
    model.init_weights()
    return model


def test_demo_pretraining_trains_in_bfloat16_with_float32_state():
    init_default_scope('backbones')
    cfg = Config.fromfile(CONFIG)
    assert cfg.optim_wrapper.type == 'backbones.AutocastOptimWrapper'
    model = _model()
    wrapper = build_optim_wrapper(model, cfg.optim_wrapper)
    assert isinstance(wrapper, AutocastOptimWrapper) and wrapper.dtype == torch.bfloat16
    seen = []
    model.head.register_forward_hook(lambda m, i, o: seen.append(o.dtype))
    data = dict(inputs=[torch.randint(0, 256, (3, 48, 48), dtype=torch.uint8) for _ in range(4)],
                data_samples=[0, 1, 2, 3])
    x = model.data_preprocessor(data, training=True)
    with torch.no_grad():
        want = model(x['inputs'], x['data_samples'], mode='loss')['loss']
    before = {n: p.detach().clone() for n, p in model.named_parameters()}
    loss = model.train_step(data, wrapper)['loss']
    assert seen == [torch.float32, torch.bfloat16]  # the fp32 reference, then the step
    assert loss.dtype == torch.float32 and abs(loss.item() - want.item()) < 0.02 * want.item()
    for name, p in model.named_parameters():
        assert p.dtype == torch.float32, name
        assert not torch.equal(p, before[name]), f'{name} was not updated'
    state = wrapper.optimizer.state[model.head.weight]
    assert state['exp_avg'].dtype == torch.float32
    model.val_step(data)
    assert seen[-1] == torch.float32  # evaluation is not autocast


def test_autocast_dtype_is_checked():
    with pytest.raises(ValueError, match="optim_wrapper.dtype='int8'"):
        AutocastOptimWrapper(optimizer=torch.optim.SGD(_model().parameters(), lr=0.1),
                             dtype='int8')
