"""The built documentation renders in a browser: headless Chromium opens the front
page, one API page and one gallery page of the site that PYDIV_DOCS_HTML names
(``.ci/docs`` builds it and sets the variable; without it these tests skip).

For each page: Chromium's ``--dump-dom`` (the DOM after the page's scripts ran)
holds the page's title and its main content (the first heading of the built
file); ``--screenshot`` draws a PNG that is not blank (many distinct colours,
not one flat field); and every internal reference of the page (``href`` and
``src`` of links, images, scripts, style sheets) resolves to a built file, and
an ``#anchor`` into an HTML page to an element with that id.  The browser is
Debian's ``chromium-headless-shell`` package.
"""

from __future__ import annotations

import html.parser
import os
import shutil
import subprocess
import zlib
from pathlib import Path
from urllib.parse import unquote, urlsplit

import numpy as np
import pytest

SITE = os.environ.get("PYDIV_DOCS_HTML")
BROWSERS = ("chromium-headless-shell", "chromium", "chromium-browser")
API_PAGES = ("api/generated/pydiv.kl_divergence.html", "api/generated/pydiv.js_divergence.html")
TIMEOUT_S = 90



class Page(html.parser.HTMLParser):
    """The title, first heading, ids, main-content marker and internal references of an HTML text."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.title, self.heading, self.refs, self.ids, self.main = "", "", [], set(), False
        self._in: str | None = None
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "id" in a:
            self.ids.add(a["id"])
        if a.get("name") and tag == "a":
            self.ids.add(a["name"])
        if tag == "main" or a.get("role") == "main":
            self.main = True
        for key in ("href", "src"):
            if a.get(key) and tag in ("a", "link", "img", "script", "source", "iframe"):
                self.refs.append(a[key])
        if tag == "title" or (tag == "h1" and not self.heading):
            self._in = tag

    def handle_endtag(self, tag):
        if tag == self._in:
            self._in = None

    def handle_data(self, data):
        if self._in == "title":
            self.title += data
        elif self._in == "h1":
            self.heading += data


def site() -> Path:
    root = Path(SITE).resolve()
    if not (root / "index.html").is_file():
        pytest.fail(f"PYDIV_DOCS_HTML={SITE} holds no index.html: build the site first (.ci/docs)")
    return root


def browser() -> str:
    for name in BROWSERS:
        path = shutil.which(name)
        if path:
            return path
    pytest.fail("no headless Chromium on PATH: install Debian's package with "
                "`apt-get install -y chromium-headless-shell` (.ci/docs does so where apt-get exists)")


def chromium(*args: str) -> subprocess.CompletedProcess:
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--no-first-run",
             "--allow-file-access-from-files", "--virtual-time-budget=5000"]
    return subprocess.run([browser(), *flags, *args], capture_output=True, text=True, timeout=TIMEOUT_S)


def pages() -> dict[str, str]:
    """The three pages, relative to the site: a fixed API page where it exists, else the first built one."""
    root = site()
    api = next((p for p in API_PAGES if (root / p).is_file()), None)
    api = api or next((p.relative_to(root).as_posix() for p in sorted(root.glob("api/**/*.html"))
                       if p.name != "index.html"), None)
    gallery = next((p.relative_to(root).as_posix() for p in sorted(root.glob("auto_examples/plot_*.html"))), None)
    missing = [what for what, page in (("an API page under api/", api), ("a gallery page auto_examples/plot_*.html",
                                                                          gallery)) if page is None]
    if missing:
        pytest.fail(f"the site {root} has no {' and no '.join(missing)}")
    return {"front": "index.html", "api": api, "gallery": gallery}


def png_pixels(data: bytes) -> np.ndarray:
    """The pixels of a PNG as an (h, w, channels) array (matplotlib's decoder)."""
    import io

    import matplotlib.image

    return np.asarray(matplotlib.image.imread(io.BytesIO(data), format="png"))


def png_raw_bytes(data: bytes) -> bytes:
    """The inflated image data of a PNG (filtered scanlines): the check where matplotlib is absent."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, chunks = 8, []
    while pos < len(data):
        length = int.from_bytes(data[pos:pos + 4], "big")
        kind = data[pos + 4:pos + 8]
        if kind == b"IDAT":
            chunks.append(data[pos + 8:pos + 8 + length])
        pos += 12 + length
    return zlib.decompress(b"".join(chunks))


def assert_not_blank(data: bytes, what: str) -> None:
    try:
        pixels = png_pixels(data)
    except ImportError:
        raw = png_raw_bytes(data)
        assert len(set(raw)) > 32, f"{what}: the screenshot's data holds {len(set(raw))} byte values: blank"
        return
    flat = pixels.reshape(-1, pixels.shape[-1]) if pixels.ndim == 3 else pixels.reshape(-1, 1)
    colours = len(np.unique(np.round(flat * 255).astype(np.int64) @ (256 ** np.arange(flat.shape[1])))) \
        if flat.dtype.kind == "f" else len(np.unique(flat, axis=0))
    assert pixels.shape[0] >= 100 and pixels.shape[1] >= 100, f"{what}: screenshot of shape {pixels.shape}"
    assert colours >= 16, f"{what}: the screenshot has {colours} distinct colours: a blank page"
    assert float(np.std(flat)) > 0.02, f"{what}: the screenshot is one flat field"


def internal(ref: str) -> bool:
    parts = urlsplit(ref)
    return not parts.netloc and parts.scheme in ("", "file") and not ref.startswith(("#", "//"))


def broken_refs(root: Path, page: Path, refs: list[str]) -> list[str]:
    """The internal references of `page` that name no built file, or no element of their #anchor."""
    broken, parsed = [], {}
    for ref in refs:
        if not internal(ref):
            continue
        parts = urlsplit(ref)
        target = Path(unquote(parts.path)) if parts.scheme == "file" else (page.parent / unquote(parts.path))
        target = target.resolve()
        if parts.path.endswith("/") or target.is_dir():
            target = target / "index.html"
        if not target.is_file():
            broken.append(f"{ref} (no file {target.relative_to(root) if root in target.parents else target})")
            continue
        if parts.fragment and target.suffix == ".html":
            if target not in parsed:
                parsed[target] = Page(target.read_text(encoding="utf-8", errors="replace")).ids
            if unquote(parts.fragment) not in parsed[target]:
                broken.append(f"{ref} (no id {parts.fragment!r} in {target.name})")
    return broken


@pytest.mark.skipif(not SITE, reason="PYDIV_DOCS_HTML does not name a built site (.ci/docs sets it)")
@pytest.mark.parametrize("which", ["front", "api", "gallery"])
def test_page_renders(which, tmp_path):
    root = site()
    relative = pages()[which]
    path = root / relative
    built = Page(path.read_text(encoding="utf-8"))
    assert built.title.strip(), f"{relative}: the built file has no <title>"

    proc = chromium("--dump-dom", path.as_uri())
    assert proc.returncode == 0, f"Chromium failed on {relative}: {proc.stderr[-2000:]}"
    dom = Page(proc.stdout)
    assert " ".join(dom.title.split()) == " ".join(built.title.split()), \
        f"{relative}: rendered title {dom.title!r}, the built file's {built.title!r}"
    assert dom.main, f"{relative}: the rendered DOM has no main content element (<main> or role=main)"
    heading = " ".join(built.heading.replace("\u00b6", "").replace("#", "").split())
    assert heading and heading in " ".join(dom.heading.split()), \
        f"{relative}: the page's heading {heading!r} is not in the rendered DOM"

    shot = tmp_path / f"{which}.png"
    proc = chromium(f"--screenshot={shot}", "--window-size=1280,900", path.as_uri())
    assert proc.returncode == 0 and shot.is_file(), f"Chromium drew no screenshot of {relative}: {proc.stderr[-2000:]}"
    assert_not_blank(shot.read_bytes(), relative)

    broken = broken_refs(root, path, built.refs + dom.refs)
    assert not broken, f"{relative}: broken internal references:\n  " + "\n  ".join(sorted(set(broken)))
    if which == "gallery":
        figures = [r for r in built.refs if internal(r) and r.split("?")[0].lower().endswith((".png", ".svg"))]
        assert figures, f"{relative}: the gallery page shows no figure"


def test_broken_references_are_found(tmp_path):
    (tmp_path / "api").mkdir()
    (tmp_path / "api" / "f.html").write_text('<h1 id="top">f</h1>')
    (tmp_path / "index.html").write_text("<p>x</p>")
    refs = ["api/f.html", "api/f.html#top", "api/f.html#nowhere", "api/g.html", "#local", "https://example.org/x",
            "mailto:a@b", "./", "api/f.html?v=1"]
    broken = broken_refs(tmp_path, tmp_path / "index.html", refs)
    assert len(broken) == 2
    assert broken[0].startswith("api/f.html#nowhere (no id") and broken[1].startswith("api/g.html (no file")


def test_blank_screenshots_are_refused(tmp_path):
    image = pytest.importorskip("matplotlib.image")
    flat, drawn = tmp_path / "flat.png", tmp_path / "drawn.png"
    image.imsave(flat, np.ones((200, 300, 3)))
    image.imsave(drawn, np.random.default_rng(0).random((200, 300, 3)))
    with pytest.raises(AssertionError, match="blank"):
        assert_not_blank(flat.read_bytes(), "flat")
    assert_not_blank(drawn.read_bytes(), "drawn")
    assert len(set(png_raw_bytes(drawn.read_bytes()))) > 32 >= len(set(png_raw_bytes(flat.read_bytes())))


def test_a_missing_browser_names_the_debian_package(monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    with pytest.raises(pytest.fail.Exception, match="apt-get install -y chromium-headless-shell"):
        browser()


@pytest.mark.skipif(not SITE, reason="PYDIV_DOCS_HTML does not name a built site (.ci/docs sets it)")
def test_formulas_render_offline():
    """MathJax ships inside the site: after its scripts ran, the formulas are
    typeset elements, not the TeX source, without any network."""
    page = site() / "guide" / "divergences.html"
    assert page.is_file(), f"no built page {page}"
    source = page.read_text(encoding="utf-8")
    assert "_static/mathjax/" in source, "the page does not load the MathJax copied into the site"
    proc = chromium("--dump-dom", page.as_uri())
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "<mjx-container" in proc.stdout, "MathJax typeset no formula on the page"
