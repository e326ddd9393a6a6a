"""`rrbot report timeliness --html FILE`: one self-contained page for the partnership board,
opened in headless Chromium as a board member would open it: it renders its three charts and
their tables, reaches nothing outside, reads in black and white, and prints."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner
from PIL import Image

from bot.cli import cli
from bot.timeliness_page import timeliness_page
from tests.support.chromium import recorder, run_chromium
from tests.support.timeliness_rows import AGENCY_NAMES, AS_OF, made_up_rows
from tests.support.world import World

CASES = 200


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The board's page for 200 made-up cases, written once for the module."""
    path = tmp_path_factory.mktemp("report") / "timeliness.html"
    path.write_text(
        timeliness_page(
            made_up_rows(CASES),
            as_of=AS_OF,
            partnership="Leicester, Leicestershire and Rutland",
            panel_day=15,
            agency_name=AGENCY_NAMES.__getitem__,
        ),
        encoding="utf-8",
    )
    return path


class Dom(HTMLParser):
    """Just enough of the DOM to check: every element's tag and attributes, in order, and
    the text inside each kind of element."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.elements: list[tuple[str, dict[str, str | None]]] = []
        self.text: dict[str, list[str]] = {}
        self._open: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, dict(attrs)))
        self._open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        while self._open and self._open.pop() != tag:
            pass

    def handle_data(self, data: str) -> None:
        if self._open and data.strip():
            self.text.setdefault(self._open[-1], []).append(data.strip())

    def all(self, tag: str) -> list[dict[str, str | None]]:
        return [attrs for t, attrs in self.elements if t == tag]


def test_the_page_renders_in_chromium_and_reaches_nothing_outside(
    page: Path, tmp_path: Path
) -> None:
    with recorder() as proxy:
        dumped = run_chromium(page, tmp_path / "profile", proxy, "--dump-dom").stdout
    dom = Dom(dumped)

    assert proxy.from_the_page() == []
    assert dom.text["h1"] == ["Rapid Review timeliness, Leicester, Leicestershire and Rutland"]
    assert dom.text["h2"] == [
        "Working days to decision and to the Panel",
        "Each agency's returns, on time or late",
        "Cases per quarter",
    ]
    # Each chart is an image to assistive technology, named by its own title and description.
    charts = dom.all("svg")
    assert [c["role"] for c in charts] == ["img", "img", "img"]
    ids = {attrs.get("id") for _, attrs in dom.elements}
    for chart in charts:
        assert set(str(chart["aria-labelledby"]).split()) <= ids
    assert dom.text["title"][1:4] == [
        "Working days to decision and to the Panel",
        "Each agency's returns, on time or late",
        "Cases per quarter",
    ]
    # Every case is in the per-case table, by reference, and drawn in the chart's labels.
    refs = [r.ref for r in made_up_rows(CASES)]
    row_heads = dom.text["th"]
    assert [h for h in row_heads if h.startswith("LLR-RR-")][:CASES] == refs
    assert all(ref in dom.text["text"] for ref in refs)
    # Nothing on the page points outside it.
    for _, attrs in dom.elements:
        for name in ("src", "href", "xlink:href", "action", "data"):
            assert not str(attrs.get(name) or "").startswith(("http:", "https:", "//"))
    assert not re.search(r"@import|url\((?!#)", dumped)


def test_a_page_that_reaches_outside_is_caught(tmp_path: Path) -> None:
    """The check above can fail: a page with a web font and a remote image is seen asking."""
    bad = tmp_path / "bad.html"
    bad.write_text(
        '<!DOCTYPE html><html><head><link rel="stylesheet"'
        ' href="https://fonts.example.org/css?family=Roboto"></head>'
        '<body><img src="http://cdn.example.org/logo.png" alt=""></body></html>'
    )
    with recorder() as proxy:
        run_chromium(bad, tmp_path / "profile", proxy, "--dump-dom")

    assert sorted(proxy.from_the_page()) == [
        "CONNECT fonts.example.org:443 HTTP/1.1",
        "GET http://cdn.example.org/logo.png HTTP/1.1",
    ]


def test_a_screenshot_shows_the_whole_report_in_black_and_white(page: Path, tmp_path: Path) -> None:
    shot = tmp_path / "report.png"
    with recorder() as proxy:
        run_chromium(
            page, tmp_path / "profile", proxy, f"--screenshot={shot}", "--window-size=1280,2400"
        )

    image = Image.open(shot).convert("RGB")
    assert image.size == (1280, 2400)
    colours = image.getcolors(maxcolors=1 << 24) or []
    pixels = 1280 * 2400

    def share(test: Callable[[tuple[int, int, int]], bool]) -> float:
        return sum(n for n, rgb in colours if test(rgb)) / pixels

    assert share(lambda c: min(c) > 240) > 0.6  # a white page ...
    assert share(lambda c: max(c) < 100) > 0.005  # ... with ink on it
    assert share(lambda c: max(c) - min(c) > 40) < 0.001  # and no colour carries meaning
    # Ink from top to bottom: the heading, then the first chart's 200 rows fill the window.
    ink = image.convert("L").point(lambda v: 255 if v < 128 else 0)
    bands = [ink.crop((0, y, 1280, y + 200)).getbbox() for y in range(0, 2400, 200)]
    assert all(bands), [i for i, b in enumerate(bands) if b is None]


def test_the_page_prints_to_pdf_on_a4_pages(page: Path, tmp_path: Path) -> None:
    pdf = tmp_path / "report.pdf"
    with recorder() as proxy:
        run_chromium(
            page, tmp_path / "profile", proxy, f"--print-to-pdf={pdf}", "--no-pdf-header-footer"
        )

    data = pdf.read_bytes()
    assert data.startswith(b"%PDF-")
    pages = len(re.findall(rb"/Type /Page\b", data))
    assert pages >= 5  # 200 cases: the tall chart and three tables run over several pages
    boxes = set(re.findall(rb"/MediaBox \[0 0 (\d+)\.?\d* (\d+)\.?\d*\]", data))
    assert boxes == {(b"594", b"841")}  # A4 from the print stylesheet's @page
    assert proxy.from_the_page() == []


async def test_a_case_is_named_by_its_reference_only() -> None:
    world = World()
    ref = await world.open_with_requests()
    world.at(date(2027, 1, 13), "09:00")

    html = timeliness_page(
        await world.services.timeliness(),
        as_of=world.ctx.today(),
        partnership=world.ctx.playbook.name,
        panel_day=world.ctx.playbook.panel_deadline,
        agency_name=world.ctx.agency_name,
    )

    assert ref in html
    for name in ("Jamie", "Fictitious", "Testperson"):
        assert name not in html
    assert "outstanding, 5 working days late (due Wed 06 Jan)" in html


def test_what_the_directory_calls_an_agency_is_shown_as_text() -> None:
    [row] = made_up_rows(1)

    html = timeliness_page(
        [row],
        as_of=AS_OF,
        partnership="A & B <Partnership>",
        panel_day=15,
        agency_name=lambda code: f"<b>{code}</b> & $Co$",
    )

    assert "<b>" not in html and "<Partnership>" not in html
    assert "&lt;b&gt;la&lt;/b&gt; &amp; $Co$" in html  # in the table, and in the SVG's text
    assert html.count("&lt;b&gt;la&lt;/b&gt; &amp; $Co$") >= 2


@pytest.fixture
def demo_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite+aiosqlite:///{tmp_path / 'rr.db'}"
    assert CliRunner().invoke(cli, ["demo", "--database", url]).exit_code == 0
    monkeypatch.setenv("DATABASE_URL", url)
    return url


def test_the_command_writes_the_page_for_the_cases_in_the_database(
    demo_database: str, tmp_path: Path
) -> None:
    out = tmp_path / "board.html"

    result = CliRunner().invoke(cli, ["report", "timeliness", "--html", str(out)])

    assert result.exit_code == 0, result.output
    assert result.output == f"Wrote the timeliness report to {out}.\n"
    html = out.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>")
    assert '<th scope="row">LLR-RR-2026-001</th>' in html
    assert '<td class="n">12</td><td class="n">13</td>' in html  # decision, Panel: days


def test_the_command_writes_one_report_at_a_time(demo_database: str, tmp_path: Path) -> None:
    result = CliRunner().invoke(
        cli, ["report", "timeliness", "--csv", "--html", str(tmp_path / "x.html")]
    )
    assert result.exit_code == 2
    assert "Choose one of --csv and --html." in result.output
