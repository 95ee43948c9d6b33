"""Numerics against timm / torchvision on the same weights, parameter counts, registry builds."""
import pytest
import timm
import torch
import torchvision

from backbones import ConvNeXt, ResNet
from conftest import randomize_

INPUTS = [(2, 3, 224, 224), (1, 3, 192, 320)]  # square and non-square


def _pretrained(path):
    return dict(type='Pretrained', checkpoint=str(path))


@pytest.mark.parametrize('shape', INPUTS)
def test_convnext_tiny_equals_timm_features_only(tmp_path, shape):
    reference = randomize_(timm.create_model('convnext_tiny', pretrained=False)).eval()
    torch.save(reference.state_dict(), tmp_path / 'timm_convnext_tiny.pth')
    # timm loads the same file through its own pretrained path (no network: a local file).
    features = timm.create_model('convnext_tiny', pretrained=True, features_only=True,
                                 pretrained_cfg_overlay=dict(file=str(tmp_path / 'timm_convnext_tiny.pth')))
    features.eval()

    ours = ConvNeXt(arch='tiny', init_cfg=_pretrained(tmp_path / 'timm_convnext_tiny.pth'))
    ours.init_weights()
    randomize_(ours.out_norms)  # the per-output norms are ours alone; apply them to timm's maps
    ours.eval()
    x = torch.randn(shape)
    with torch.no_grad():
        got = ours(x)
        want = [ours.out_norms[str(i)](f) for i, f in enumerate(features(x))]
    assert len(got) == 4
    for g, w, c, s in zip(got, want, ours.out_channels, ours.out_strides):
        assert g.shape == (shape[0], c, shape[2] // s, shape[3] // s)
        torch.testing.assert_close(g, w, rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize('shape', INPUTS)
def test_resnet50_equals_torchvision_c2_to_c5(tmp_path, shape):
    reference = randomize_(torchvision.models.resnet50()).eval()
    torch.save(reference.state_dict(), tmp_path / 'tv_resnet50.pth')
    ours = ResNet(depth=50, init_cfg=_pretrained(tmp_path / 'tv_resnet50.pth'))
    ours.init_weights()
    ours.eval()
    x = torch.randn(shape)
    with torch.no_grad():
        got = ours(x)
        r = reference
        y = r.maxpool(r.relu(r.bn1(r.conv1(x))))
        want = []
        for layer in (r.layer1, r.layer2, r.layer3, r.layer4):
            y = layer(y)
            want.append(y)
    assert [g.shape[1] for g in got] == ours.out_channels == [256, 512, 1024, 2048]
    for g, w, s in zip(got, want, ours.out_strides):
        assert g.shape[-2:] == w.shape[-2:] == (-(-shape[2] // s), -(-shape[3] // s))
        torch.testing.assert_close(g, w, rtol=1e-4, atol=1e-4)


def test_resnet_timm_format_loads(tmp_path):
    reference = randomize_(timm.create_model('resnet18', pretrained=False)).eval()
    torch.save({'state_dict': reference.state_dict()}, tmp_path / 'timm_r18.pth')
    ours = ResNet(depth=18, out_indices=(3,), init_cfg=_pretrained(tmp_path / 'timm_r18.pth'))
    ours.init_weights()
    ours.eval()
    x = torch.randn(1, 3, 96, 128)
    with torch.no_grad():
        want = reference.forward_features(x)
        torch.testing.assert_close(ours(x)[0], want, rtol=1e-4, atol=1e-4)


def _count(module):
    return sum(p.numel() for p in module.parameters())


# Classification-equivalent trunk = our backbone without its per-output norms, plus the
# ImageNet head it replaces (ConvNeXt: final LayerNorm + Linear(C, 1000); ResNet: fc).
# Reference figures are the released models' exact counts (the paper rounds them to
# 28M / 50M / 89M / 25.6M).
@pytest.mark.parametrize('arch,timm_name,paper_m', [
    ('tiny', 'convnext_tiny', 28.59), ('small', 'convnext_small', 50.22),
    ('base', 'convnext_base', 88.59)])
def test_convnext_param_counts(arch, timm_name, paper_m):
    model = ConvNeXt(arch=arch)
    c = model.stage_channels[-1]
    trunk = _count(model) - _count(model.out_norms) + 2 * c + c * 1000 + 1000
    assert trunk == _count(timm.create_model(timm_name, pretrained=False))
    assert abs(trunk / 1e6 - paper_m) / paper_m < 0.01


def test_resnet50_param_count():
    model = ResNet(depth=50)
    trunk = _count(model) + 2048 * 1000 + 1000
    assert trunk == _count(torchvision.models.resnet50())
    assert abs(trunk / 1e6 - 25.56) / 25.56 < 0.01


@pytest.mark.parametrize('depth,block_channels', [(18, 512), (34, 512), (101, 2048), (152, 2048)])
def test_resnet_depths_match_torchvision(depth, block_channels):
    model = ResNet(depth=depth)
    assert model.out_channels[-1] == block_channels
    tv = getattr(torchvision.models, f'resnet{depth}')()
    assert _count(model) == _count(tv) - _count(tv.fc)


def test_out_indices_subset_and_declared_outputs():
    model = ConvNeXt(arch='tiny', out_indices=(1, 3)).eval()
    assert model.out_channels == [192, 768] and model.out_strides == [8, 32]
    outs = model(torch.randn(1, 3, 64, 96))
    assert [tuple(o.shape) for o in outs] == [(1, 192, 8, 12), (1, 768, 2, 3)]
    shallow = ResNet(depth=50, out_indices=(0, 1))
    assert shallow.out_channels == [256, 512] and len(shallow.layers) == 2


def test_custom_arch_dict():
    model = ConvNeXt(arch=dict(depths=[1, 1, 2, 1], channels=[8, 16, 32, 64]))
    assert model.out_channels == [8, 16, 32, 64]
    assert [len(s) for s in model.stages] == [1, 1, 2, 1]
