import time

import pytest
import torch

import budget


def _index_external_configs_once() -> None:
    """Speed only, in this test process: MMEngine resolves every `mmdet::` / `mmseg::` base
    of a config by reading all of that package's model-zoo metafiles (600 YAML files, about
    1 s; a detection config has three such bases), though they cannot change during a test
    session. Each lookup is MMEngine's own (`_get_cfg_metainfo`), made once per base and
    answered from memory after, its result or its ValueError alike."""
    from mmengine.config import utils

    lookup, answers = utils._get_cfg_metainfo, {}

    def get_cfg_metainfo(package_path: str, cfg_path: str) -> dict:
        key = (package_path, cfg_path)
        if key not in answers:
            try:
                answers[key] = (lookup(package_path, cfg_path), None)
            except ValueError as err:
                answers[key] = (None, str(err))
        found, error = answers[key]
        if error is not None:
            raise ValueError(error)
        return found

    utils._get_cfg_metainfo = get_cfg_metainfo


_index_external_configs_once()


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


# -- the suite's time budget (tests/budget.py; `make test` passes --budget) -----------------
def pytest_addoption(parser):
    parser.addoption('--budget', action='store_true',
                     help='fail the run if a test or shared fixture takes longer than its '
                     'stated budget (tests/budget.py), scaled to this machine')


def pytest_configure(config):
    config.addinivalue_line('markers', 'slow(seconds, reason): this test may take up to '
                            '`seconds` on the reference machine (tests/budget.py), because `reason`')
    config._budget_rows = []  # (what, seconds taken, seconds allowed, reason or None)


_started: list = []  # shared fixtures set up during the current test's setup (worker side)


@pytest.hookimpl(hookwrapper=True)
def pytest_fixture_setup(fixturedef, request):
    start = time.perf_counter()
    yield
    if fixturedef.scope != 'function':
        stated = getattr(fixturedef.func, 'budget', None)
        _started.append((f'{fixturedef.baseid}::{fixturedef.argname} (fixture)',
                         time.perf_counter() - start, *(stated or (None, None))))


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if call.when == 'setup':  # travels with the report to xdist's controller
        report.user_properties.append(('shared_fixtures', list(_started)))
        _started.clear()
    if call.when == 'call':
        mark = item.get_closest_marker('slow')
        report.user_properties.append(('slow', mark.kwargs if mark else None))


def pytest_runtest_logreport(report):
    config = _CONFIG[0] if _CONFIG else None
    if config is None or not config.getoption('--budget') or report.skipped:
        return
    props = dict(report.user_properties)
    times = _TEST_TIMES.setdefault(report.nodeid, [0.0, None])
    shared = sum(s for _, s, *_ in props.get('shared_fixtures', []))
    times[0] += report.duration - (shared if report.when == 'setup' else 0.0)
    for name, seconds, allowed, reason in props.get('shared_fixtures', []):
        config._budget_rows.append((name, seconds, allowed or budget.FIXTURE_LIMIT, reason))
    if 'slow' in props:
        times[1] = props['slow']
    if report.when == 'teardown':
        stated = times[1] or {}
        config._budget_rows.append((report.nodeid, times[0],
                                    stated.get('seconds', budget.LIMIT), stated.get('reason')))


_CONFIG: list = []
_TEST_TIMES: dict = {}


@pytest.hookimpl(tryfirst=True)
def pytest_sessionstart(session):
    _CONFIG.append(session.config)


def pytest_sessionfinish(session, exitstatus):
    config = session.config
    if not config.getoption('--budget') or hasattr(config, 'workerinput'):
        return  # checked once, by the controller (or the only process)
    factor = budget.machine_factor()
    over = [(what, s, allowed) for what, s, allowed, _ in config._budget_rows
            if s > allowed * factor * budget.TOLERANCE]
    config._budget_report = (factor, over)
    if over and session.exitstatus == 0:
        session.exitstatus = 1


def pytest_terminal_summary(terminalreporter, config):
    factor, over = getattr(config, '_budget_report', (None, []))
    if factor is None:
        return
    write = terminalreporter.write_line
    write(f'budget (tests/budget.py): this machine runs {factor:.2f}x the reference '
          f'({budget.REFERENCE}); a test may take {budget.LIMIT:.0f} s x that unless marked slow')
    for what, seconds, allowed in over:
        write(f'OVER BUDGET: {what} took {seconds:.0f} s, allowed {allowed:.0f} s x {factor:.2f} '
              f'x {budget.TOLERANCE} tolerance: make it faster, or state seconds and reason '
              '(@pytest.mark.slow / @budget)', red=True)


def pytest_collection_modifyitems(session, config, items):
    """The longest test files first, by their stated budgets (slow marks, fixture budgets; an
    unmarked test counts a second), each file's tests in their own order: with two test
    processes (`-n 2 --dist loadfile`, one file to a process at a time) the long files start
    at once and the short ones fill in after them, so neither process idles at the end."""
    weight, counted = {}, set()
    for item in items:
        mark = item.get_closest_marker('slow')
        seconds = mark.kwargs['seconds'] if mark else 1.0
        for defs in item._fixtureinfo.name2fixturedefs.values():  # the fixtures it uses
            stated = getattr(defs[-1].func, 'budget', None)
            if stated and defs[-1] not in counted:
                counted.add(defs[-1])
                seconds += stated[0]
        file = item.nodeid.split('::')[0]
        weight[file] = weight.get(file, 0.0) + seconds
    first = {f: i for i, f in enumerate(dict.fromkeys(i.nodeid.split('::')[0] for i in items))}
    items.sort(key=lambda i: (-weight[i.nodeid.split('::')[0]], first[i.nodeid.split('::')[0]]))
