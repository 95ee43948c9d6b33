"""Bad input gets a clear error naming what is wrong."""
import pytest
import torch

from backbones import CheckpointError, ConvNeXt, ResNet


@pytest.mark.parametrize('out_indices', [(4,), (), (0, 0), (-1,), ('1',)])
def test_bad_out_indices(out_indices):
    with pytest.raises(ValueError, match=r'out_indices=.*subset of \(0, 1, 2, 3\)'):
        ConvNeXt(arch='tiny', out_indices=out_indices)
    with pytest.raises(ValueError, match='out_indices'):
        ResNet(depth=18, out_indices=out_indices)


def test_unknown_arch_and_depth():
    with pytest.raises(ValueError, match=r"unknown arch 'huge'.*'base'"):
        ConvNeXt(arch='huge')
    with pytest.raises(ValueError, match='arch dict must be'):
        ConvNeXt(arch=dict(depths=[3, 3, 9], channels=[1, 2, 3]))
    with pytest.raises(ValueError, match=r'unknown depth 42.*\[18, 34, 50, 101, 152\]'):
        ResNet(depth=42)
    with pytest.raises(ValueError, match='style'):
        ResNet(depth=50, style='tf')
    with pytest.raises(ValueError, match='frozen_stages=7'):
        ResNet(depth=50, frozen_stages=7)


def _load(model, path, **extra):
    model.init_cfg = dict(type='Pretrained', checkpoint=str(path), **extra)
    model.init_weights()


def test_checkpoint_with_no_matching_keys(tmp_path):
    torch.save({'foo.weight': torch.zeros(3), 'bar.bias': torch.zeros(3)}, tmp_path / 'x.pth')
    with pytest.raises(CheckpointError, match=r'no key of .*x\.pth matches ConvNeXt'):
        _load(ConvNeXt(arch='tiny'), tmp_path / 'x.pth')


def test_checkpoint_of_another_arch(tmp_path):
    torch.save(ConvNeXt(arch='tiny').state_dict(), tmp_path / 'tiny.pth')
    with pytest.raises(CheckpointError, match=r'does not fit ConvNeXt.*downsample_layers'):
        _load(ConvNeXt(arch='base'), tmp_path / 'tiny.pth')


def test_not_a_checkpoint_missing_and_truncated(tmp_path):
    (tmp_path / 'notes.pth').write_text('these are not weights\n')
    with pytest.raises(CheckpointError, match=r'notes\.pth is not a .*PyTorch checkpoint'):
        _load(ResNet(depth=18), tmp_path / 'notes.pth')
    with pytest.raises(CheckpointError, match=r'not found: .*absent\.pth'):
        _load(ResNet(depth=18), tmp_path / 'absent.pth')
    torch.save(ResNet(depth=18).state_dict(), tmp_path / 'full.pth')
    data = (tmp_path / 'full.pth').read_bytes()
    (tmp_path / 'cut.pth').write_bytes(data[:len(data) // 2])
    with pytest.raises(CheckpointError, match=r'cut\.pth .*corrupt or truncated'):
        _load(ResNet(depth=18), tmp_path / 'cut.pth')


class _Evil:
    def __reduce__(self):
        return (print, ('pickled code ran',))


def test_pickled_objects_refused_unless_opted_out(tmp_path, capsys):
    state = ResNet(depth=18).state_dict()
    torch.save({'state_dict': state, 'meta': _Evil()}, tmp_path / 'evil.pth')
    with pytest.raises(CheckpointError, match=r'evil\.pth holds objects other than tensors.*'
                                              r'weights_only=False'):
        _load(ResNet(depth=18), tmp_path / 'evil.pth')
    assert 'pickled code ran' not in capsys.readouterr().out
    _load(ResNet(depth=18), tmp_path / 'evil.pth', weights_only=False)
    assert 'pickled code ran' in capsys.readouterr().out


def test_bad_init_cfg_keys(tmp_path):
    model = ResNet(depth=18)
    model.init_cfg = dict(type='Pretrained', checkpoint='x.pth', prefix='backbone.')
    with pytest.raises(ValueError, match="Pretrained takes 'checkpoint'"):
        model.init_weights()
