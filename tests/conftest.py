import pytest
import torch


@pytest.fixture(autouse=True)
def _seed():
    torch.manual_seed(0)


def randomize_(model: torch.nn.Module) -> torch.nn.Module:
    """Move every parameter and BN statistic away from its init so comparisons mean something
    (timm's layer scale starts at 1e-6, which would hide the residual branches)."""
    g = torch.Generator().manual_seed(1)
    with torch.no_grad():
        for name, p in model.state_dict().items():
            if not p.is_floating_point():
                continue
            if name.endswith('gamma'):
                p.copy_(torch.rand(p.shape, generator=g) * 0.3 + 0.05)
            elif name.endswith('running_var'):
                p.copy_(torch.rand(p.shape, generator=g) + 0.5)
            else:
                p.add_(torch.randn(p.shape, generator=g) * 0.02)
    return model


@pytest.fixture
def http_server(tmp_path):
    """A static HTTP server on 127.0.0.1 serving `root` (yielded with the base URL); `stop()`
    shuts it down, to show that a second load needs no network."""
    import functools
    import http.server
    import threading

    root = tmp_path / 'served'
    root.mkdir()
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(root))
    handler.log_message = lambda *args: None
    server = http.server.ThreadingHTTPServer(('127.0.0.1', 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()

    class Served:
        url = f'http://127.0.0.1:{server.server_address[1]}'

        def __init__(self):
            self.root = root

        def stop(self):
            server.shutdown()
            server.server_close()
    served = Served()
    yield served
    if thread.is_alive():
        served.stop()
