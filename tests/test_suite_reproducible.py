"""Two builds of the same sources write the same bytes, precompressed copies included.

A site rebuilds on another day and its tag must not change (docs/website-setup.md): every file is
named and hashed by its content. precompress.compress keeps what it compressed in an lru_cache,
so two builds in one process would share one .gz: here each build compresses for real, an hour
apart by the clock, as two deploys would.
"""

import time

from heap_device.tools import bundle, precompress


def _files(folder):
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


def _build_at(out, offset, monkeypatch):
    real = time.time
    with monkeypatch.context() as m:
        m.setattr(time, "time", lambda: real() + offset)
        bundle.build(out, "micropython")
    return _files(out)


def test_two_builds_an_hour_apart_write_the_same_bytes(tmp_path, monkeypatch):
    monkeypatch.setattr(precompress, "compress", precompress.compress.__wrapped__)
    first = _build_at(tmp_path / "first", 0, monkeypatch)
    second = _build_at(tmp_path / "second", 3600, monkeypatch)
    copies = sorted(n for n in first if n.endswith((".gz", ".br")))
    assert any(n.endswith(".wasm.gz") for n in copies) and any(n.endswith(".js.br") for n in copies)
    assert sorted(first) == sorted(second)
    assert [n for n in sorted(first) if first[n] != second[n]] == []
