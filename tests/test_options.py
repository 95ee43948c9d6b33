"""frozen_stages, norm_eval, with_cp, drop_path, layer scale: behaviour, not just flags."""
import pytest
import torch
from torch.nn.modules.batchnorm import _BatchNorm

from backbones import ConvNeXt, ResNet

SMALL = dict(depths=[1, 1, 2, 1], channels=[8, 16, 32, 64])


def _trainable(model):
    return {n for n, p in model.named_parameters() if p.requires_grad}


def test_convnext_frozen_stages_stop_gradients_and_updates():
    model = ConvNeXt(arch=SMALL, frozen_stages=2, layer_scale_init_value=1.0).train()
    frozen = {n for n, p in model.named_parameters() if not p.requires_grad}
    assert {n.split('.')[0] + '.' + n.split('.')[1] for n in frozen} == {
        'downsample_layers.0', 'downsample_layers.1', 'stages.0', 'stages.1',
        'out_norms.0', 'out_norms.1'}
    before = {n: p.clone() for n, p in model.named_parameters()}
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    # A random projection: the square of a LayerNorm output would be constant.
    sum((o * torch.randn_like(o)).sum() for o in model(torch.randn(2, 3, 64, 64))).backward()
    opt.step()
    for n, p in model.named_parameters():
        assert torch.equal(p, before[n]) == (n in frozen), n


def test_resnet_frozen_stem_and_norm_eval():
    model = ResNet(depth=18, frozen_stages=1, norm_eval=True).train()
    assert not model.conv1.weight.requires_grad and not model.bn1.weight.requires_grad
    assert not any(p.requires_grad for p in model.layers[0].parameters())
    assert all(p.requires_grad for p in model.layers[1].parameters())
    assert all(not m.training for m in model.modules() if isinstance(m, _BatchNorm))
    stats = model.layers[2][0].bn1.running_mean.clone()
    model(torch.randn(2, 3, 64, 64))
    assert torch.equal(stats, model.layers[2][0].bn1.running_mean)
    # Without norm_eval, BN in the trainable stages updates its statistics.
    model = ResNet(depth=18, frozen_stages=1).train()
    stats = model.layers[2][0].bn1.running_mean.clone()
    model(torch.randn(2, 3, 64, 64))
    assert not torch.equal(stats, model.layers[2][0].bn1.running_mean)
    assert not model.bn1.training  # the frozen stem stays in eval mode


def test_train_returns_module():
    model = ConvNeXt(arch=SMALL)
    assert model.train() is model and model.eval() is model


@pytest.mark.parametrize('make', [
    lambda cp: ConvNeXt(arch=SMALL, with_cp=cp, layer_scale_init_value=0.5),
    lambda cp: ResNet(depth=50, with_cp=cp, out_indices=(0, 1)),
])
def test_with_cp_gives_same_outputs_and_grads(make):
    torch.manual_seed(0)
    plain = make(False).train()
    checkpointed = make(True).train()
    checkpointed.load_state_dict(plain.state_dict())
    x = torch.randn(2, 3, 64, 64)
    grads = []
    for model in (plain, checkpointed):
        out = model(x.clone().requires_grad_())
        g = torch.Generator().manual_seed(0)  # same projection for both (LN outputs sum to 0)
        sum((o * torch.randn(o.shape, generator=g)).sum() for o in out).backward()
        grads.append([p.grad.clone() for p in model.parameters()])
    assert all(g.abs().max() > 0 for g in grads[0])
    for a, b in zip(*grads):
        torch.testing.assert_close(a, b, rtol=1e-4, atol=1e-5)


def test_drop_path_rates_and_train_eval_behaviour():
    model = ConvNeXt(arch=SMALL, drop_path_rate=0.5, layer_scale_init_value=1.0)
    rates = [getattr(b.drop_path, 'drop_prob', 0.0) for s in model.stages for b in s]
    assert rates == pytest.approx([0.0, 0.125, 0.25, 0.375, 0.5])
    x = torch.randn(4, 3, 64, 64)
    model.eval()
    with torch.no_grad():
        a, b = model(x)[-1], model(x)[-1]
    assert torch.equal(a, b)  # deterministic in eval
    model.train()
    with torch.no_grad():
        c = model(x)[-1]
    assert not torch.allclose(a, c)  # paths dropped in training


def test_layer_scale_off():
    model = ConvNeXt(arch=SMALL, layer_scale_init_value=0)
    assert all(b.gamma is None for s in model.stages for b in s)
    assert not any(n.endswith('gamma') for n, _ in model.named_parameters())


@pytest.mark.parametrize('norm_cfg,cls', [
    (dict(type='GN', num_groups=8), torch.nn.GroupNorm),
    (dict(type='SyncBN'), torch.nn.SyncBatchNorm),
    (dict(type='BN', requires_grad=False), torch.nn.BatchNorm2d)])
def test_resnet_norm_cfg(norm_cfg, cls):
    model = ResNet(depth=18, norm_cfg=norm_cfg).eval()
    norms = [m for m in model.modules() if isinstance(m, cls)]
    assert len(norms) == 1 + 2 * 8 + 3  # stem, two per block, three projection shortcuts
    assert all(p.requires_grad == norm_cfg.get('requires_grad', True)
               for m in norms for p in m.parameters())
    assert model(torch.randn(1, 3, 64, 64))[-1].shape == (1, 512, 2, 2)


def test_resnet_caffe_style_puts_stride_in_first_conv():
    pytorch = ResNet(depth=50, style='pytorch').layers[1][0]
    caffe = ResNet(depth=50, style='caffe').layers[1][0]
    assert (pytorch.conv1.stride, pytorch.conv2.stride) == ((1, 1), (2, 2))
    assert (caffe.conv1.stride, caffe.conv2.stride) == ((2, 2), (1, 1))
