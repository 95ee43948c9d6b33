"""Checkpoints named as configs name them: URLs (downloaded once into torch's hub cache,
hash-checked), torchvision:// and open-mmlab:// names, timm hub names. Only 127.0.0.1."""
import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest
import timm
import torch

from backbones import CheckpointError, ConvNeXt, ResNet
from backbones.weights.hub import local_checkpoint
from conftest import randomize_

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def hub(tmp_path, monkeypatch):
    """torch's hub cache in a temporary TORCH_HOME; returns its checkpoints folder."""
    monkeypatch.setenv('TORCH_HOME', str(tmp_path / 'torch_home'))
    return tmp_path / 'torch_home' / 'hub' / 'checkpoints'


def _official_convnext_file(path: Path) -> dict:
    """A checkpoint in the official release's format: {'model': ...} with its names, the
    classifier's final norm and head included."""
    model = randomize_(ConvNeXt(arch=dict(depths=[1, 1, 2, 1], channels=[8, 16, 32, 64])))
    state = {k: v for k, v in model.state_dict().items() if not k.startswith('out_norms')}
    state.update({'norm.weight': torch.ones(64), 'norm.bias': torch.zeros(64),
                  'head.weight': torch.zeros(10, 64), 'head.bias': torch.zeros(10)})
    torch.save({'model': state}, path)
    return state


def _pretrained(checkpoint: str) -> ConvNeXt:
    model = ConvNeXt(arch=dict(depths=[1, 1, 2, 1], channels=[8, 16, 32, 64]),
                     init_cfg=dict(type='Pretrained', checkpoint=checkpoint))
    model.init_weights()
    return model


def test_url_downloads_once_then_loads_from_the_cache(http_server, hub):
    state = _official_convnext_file(http_server.root / 'convnext_tiny_1k_224.pth')
    url = f'{http_server.url}/convnext_tiny_1k_224.pth'
    first = _pretrained(url)
    digest = hashlib.sha256(url.encode()).hexdigest()[:10]
    cached = hub / f'convnext_tiny_1k_224.url-{digest}.pth'  # readable name, keyed by URL
    assert cached.is_file() and not [p for p in hub.iterdir() if p != cached]  # no temp left
    http_server.stop()  # the second load needs no network
    second = _pretrained(url)
    for key, value in state.items():
        if key in first.state_dict():
            torch.testing.assert_close(first.state_dict()[key], value, rtol=0, atol=0)
            torch.testing.assert_close(second.state_dict()[key], value, rtol=0, atol=0)


def test_hash_prefix_in_the_name_is_checked(http_server, hub):
    reference = randomize_(ResNet(depth=18))
    good = http_server.root / 'tmp.pth'
    torch.save(reference.state_dict(), good)
    digest = hashlib.sha256(good.read_bytes()).hexdigest()
    good.rename(http_server.root / f'resnet18-{digest[:8]}.pth')
    (http_server.root / 'resnet18-00000000.pth').write_bytes(
        (http_server.root / f'resnet18-{digest[:8]}.pth').read_bytes())
    model = ResNet(depth=18, init_cfg=dict(
        type='Pretrained', checkpoint=f'{http_server.url}/resnet18-{digest[:8]}.pth'))
    model.init_weights()
    torch.testing.assert_close(model.state_dict(), reference.state_dict())
    with pytest.raises(CheckpointError, match='does not match the hash in its name'):
        local_checkpoint(f'{http_server.url}/resnet18-00000000.pth', progress=False)
    assert sorted(p.name for p in hub.iterdir()) == [f'resnet18-{digest[:8]}.pth']


def test_offline_error_names_the_url_and_where_to_put_the_file(http_server, hub):
    url = f'{http_server.url}/convnext_small_1k_224.pth'
    http_server.stop()
    with pytest.raises(CheckpointError) as err:
        local_checkpoint(url, progress=False)
    assert url in str(err.value)
    digest = hashlib.sha256(url.encode()).hexdigest()[:10]
    assert str(hub / f'convnext_small_1k_224.url-{digest}.pth') in str(err.value)
    assert not hub.exists() or not list(hub.iterdir())


def test_missing_file_on_the_server_is_named(http_server, hub):
    with pytest.raises(CheckpointError, match=r'could not download .*/absent\.pth .*HTTPError'):
        local_checkpoint(f'{http_server.url}/absent.pth', progress=False)


def test_torchvision_and_openmmlab_names_resolve_to_their_release_files(hub):
    """MMEngine's names map to the release URLs; a file put by hand where the offline error
    says is then used without any network."""
    hub.mkdir(parents=True)
    reference = randomize_(ResNet(depth=50))
    torch.save(reference.state_dict(), hub / 'resnet50-0676ba61.pth')  # torchvision's name
    model = ResNet(depth=50, init_cfg=dict(type='Pretrained', checkpoint='torchvision://resnet50'))
    model.init_weights()
    torch.testing.assert_close(model.state_dict(), reference.state_dict())
    (hub / 'resnet50_v1c-2cccc1ad.pth').write_bytes(b'')
    assert local_checkpoint('open-mmlab://resnet50_v1c') == hub / 'resnet50_v1c-2cccc1ad.pth'
    with pytest.raises(CheckpointError, match=r"torchvision://resnet05: no such torchvision model"):
        local_checkpoint('torchvision://resnet05')


def test_timm_hub_name_through_timms_loader(tmp_path):
    """`timm/NAME` goes through timm's own loader: here from a Hugging Face cache laid out by
    hand, offline, by tools/convert_checkpoint.py in a fresh process."""
    reference = randomize_(timm.create_model('convnext_tiny', pretrained=False))
    from safetensors.torch import save_file
    repo = tmp_path / 'hf' / 'models--timm--convnext_tiny.fb_in1k'
    commit = '0' * 40
    (repo / 'refs').mkdir(parents=True)
    (repo / 'refs' / 'main').write_text(commit)
    (repo / 'snapshots' / commit).mkdir(parents=True)
    save_file({k: v.contiguous() for k, v in reference.state_dict().items()},
              str(repo / 'snapshots' / commit / 'model.safetensors'))
    env = dict(os.environ, HF_HUB_CACHE=str(tmp_path / 'hf'), HF_HUB_OFFLINE='1')
    run = subprocess.run([sys.executable, 'tools/convert_checkpoint.py',
                          'timm/convnext_tiny.fb_in1k', str(tmp_path / 'tiny.pth')],
                         cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr[-3000:]
    converted = torch.load(tmp_path / 'tiny.pth', weights_only=True)['state_dict']
    torch.testing.assert_close(converted['stages.2.1.dwconv.weight'],
                               reference.state_dict()['stages.2.blocks.1.conv_dw.weight'])
    # Not in the cache and offline: the error names the model and the cache.
    run = subprocess.run([sys.executable, 'tools/convert_checkpoint.py',
                          'timm/convnext_small.fb_in1k', str(tmp_path / 'small.pth')],
                         cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert run.returncode == 1 and not (tmp_path / 'small.pth').exists()
    assert 'timm/convnext_small.fb_in1k: timm could not fetch its weights' in run.stderr
    assert 'HF_HUB_OFFLINE' in run.stderr


def test_two_urls_with_the_same_file_name_never_share_a_cached_file(http_server, hub):
    """MMEngine names checkpoints iter_N.pth in every work dir: two URLs ending in the same
    name are two files in the cache, each loading its own weights."""
    states = []
    for run in ('run_a', 'run_b'):
        (http_server.root / run).mkdir()
        states.append(_official_convnext_file(http_server.root / run / 'iter_20.pth'))
        torch.manual_seed(len(states))
    assert not torch.equal(states[0]['stages.0.0.dwconv.weight'], states[1]['stages.0.0.dwconv.weight'])
    for run, state in zip(('run_a', 'run_b'), states):
        model = _pretrained(f'{http_server.url}/{run}/iter_20.pth')
        torch.testing.assert_close(model.state_dict()['stages.0.0.dwconv.weight'],
                                   state['stages.0.0.dwconv.weight'], rtol=0, atol=0)
    assert len(list(hub.glob('iter_20.url-*.pth'))) == 2
