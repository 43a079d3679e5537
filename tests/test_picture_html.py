"""The interactive page in a real headless Chromium, driven over the DevTools protocol.

Chromium's ``--remote-debugging-pipe`` speaks JSON messages on file descriptors 3
and 4; the test records every request, script error and console error the page
causes, and runs JavaScript in it to use the search box, the filters and the slider.
"""

from __future__ import annotations

import fcntl
import json
import os
import select
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import networkx as nx
import pytest

from sco_graph.picture_html import page

from .conftest import Invoke
from .test_draw import chromium, draw, page_data


class Browser:
    """One headless Chromium with one page, and everything that page did."""

    def __init__(self, profile: Path) -> None:
        ours_to_chromium, chromium_reads = os.pipe()[::-1]
        chromium_writes, ours_from_chromium = os.pipe()[::-1]
        reads, writes = chromium_reads, chromium_writes

        def wire() -> None:  # the pipe Chromium reads must be fd 3, the one it writes fd 4
            high_read, high_write = fcntl.fcntl(reads, fcntl.F_DUPFD, 10), fcntl.fcntl(writes, fcntl.F_DUPFD, 10)
            os.dup2(high_read, 3)
            os.dup2(high_write, 4)

        command = [chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                   "--disable-background-networking", "--disable-component-update", "--disable-sync",
                   "--window-size=1280,900", f"--user-data-dir={profile}", "--remote-debugging-pipe",
                   "about:blank"]  # fmt: skip
        quiet = subprocess.DEVNULL  # the child only rewires two descriptors before it runs Chromium
        self.process = subprocess.Popen(command, stdout=quiet, stderr=quiet, close_fds=False, preexec_fn=wire)  # noqa: PLW1509
        os.close(chromium_reads)
        os.close(chromium_writes)
        self.write_end, self.read_end = ours_to_chromium, ours_from_chromium
        self.buffer = b""
        self.number = 0
        self.events: list[dict[str, Any]] = []
        self.session = ""

    def send(self, method: str, session: bool = True, **params: object) -> dict[str, Any]:
        self.number += 1
        message: dict[str, object] = {"id": self.number, "method": method, "params": params}
        if session:
            message["sessionId"] = self.session
        os.write(self.write_end, json.dumps(message).encode() + b"\0")
        while True:
            reply = self._next()
            if reply.get("id") == self.number:
                assert "error" not in reply, reply
                return reply.get("result", {})  # type: ignore[no-any-return]
            self.events.append(reply)

    def _next(self) -> dict[str, Any]:
        while b"\0" not in self.buffer:
            ready, _, _ = select.select([self.read_end], [], [], 120)
            assert ready, "Chromium stopped answering"
            chunk = os.read(self.read_end, 1 << 16)
            assert chunk, "Chromium closed its pipe"
            self.buffer += chunk
        message, self.buffer = self.buffer.split(b"\0", 1)
        return json.loads(message)  # type: ignore[no-any-return]

    def wait_for(self, method: str) -> None:
        while not any(event.get("method") == method for event in self.events):
            self.events.append(self._next())

    def open(self, url: str) -> None:
        targets = self.send("Target.getTargets", session=False)["targetInfos"]
        target = next(info["targetId"] for info in targets if info["type"] == "page")
        self.session = self.send("Target.attachToTarget", session=False, targetId=target, flatten=True)["sessionId"]
        for domain in ("Network", "Runtime", "Log", "Page"):
            self.send(f"{domain}.enable")
        self.send("Page.navigate", url=url)
        self.wait_for("Page.loadEventFired")

    def run(self, expression: str) -> Any:
        """The value of some JavaScript run in the page (promises awaited)."""
        block = "{" + expression + "\n}"  # a block: its constants do not clash with the next call's
        result = self.send("Runtime.evaluate", expression=block, returnByValue=True, awaitPromise=True)
        assert "exceptionDetails" not in result, result
        return result["result"].get("value")

    def requests(self) -> list[str]:
        return [e["params"]["request"]["url"] for e in self.events if e.get("method") == "Network.requestWillBeSent"]

    def errors(self) -> list[object]:
        found: list[object] = []
        for event in self.events:
            method, params = event.get("method"), event.get("params", {})
            if method == "Runtime.exceptionThrown":
                found.append(params["exceptionDetails"])
            elif method == "Log.entryAdded" and params["entry"]["level"] == "error":
                found.append(params["entry"])
            elif method == "Runtime.consoleAPICalled" and params["type"] in ("error", "assert"):
                found.append(params["args"])
        return found

    def close(self) -> None:
        self.process.kill()
        self.process.wait(timeout=30)
        os.close(self.write_end)
        os.close(self.read_end)


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[Browser]:
    opened = Browser(tmp_path / "profile")
    try:
        yield opened
    finally:
        opened.close()


def settle(browser: Browser) -> None:
    """Wait until the page has drawn once and laid its labels out."""
    browser.run(
        "new Promise(done => { const check = () => document.body.dataset.drawn ? done(true) : setTimeout(check, 20);"
        " check(); })"
    )


def test_the_page_loads_with_no_errors_no_requests_and_draws_every_node(
    cli: Invoke, browser: Browser, tmp_path: Path
) -> None:
    path = tmp_path / "csto.html"
    draw(cli, "draw", "CSTO", "--depth", "2", "--output", str(path))
    data = page_data(path)
    browser.open(path.as_uri())
    settle(browser)
    assert browser.requests() == [path.as_uri()]  # the page itself and nothing else
    assert browser.errors() == []
    assert browser.run("window.pageErrors") == []
    body = browser.run("({...document.body.dataset})")
    assert int(body["drawn"]) == len(data["nodes"]) > 5
    assert int(body["shownEdges"]) == len(data["edges"])
    assert body["overlaps"] == "0"  # no two entities' rendered boxes (dot and label) meet
    drawn = browser.run("Object.keys(sco.network.getPositions()).length")
    assert drawn == len(data["nodes"])
    boxes = browser.run(
        "Object.keys(sco.network.getPositions()).map(id => sco.network.getBoundingBox(id))"
    )  # checked here too, from vis-network's own boxes, not the page's count
    for index, a in enumerate(boxes):
        for b in boxes[index + 1 :]:
            assert not (a["left"] < b["right"] and b["left"] < a["right"] and a["top"] < b["bottom"]
                        and b["top"] < a["bottom"]), (a, b)  # fmt: skip


def test_the_legend_search_and_type_filters_work(cli: Invoke, browser: Browser, tmp_path: Path) -> None:
    path = tmp_path / "csto.html"
    draw(cli, "draw", "CSTO", "--depth", "2", "--output", str(path))
    data = page_data(path)
    browser.open(path.as_uri())
    settle(browser)
    kinds = {str(node["type"]) for node in data["nodes"]}
    assert set(browser.run("[...document.querySelectorAll('#legend input')].map(box => box.dataset.type)")) == kinds
    found = browser.run(
        "const box = document.getElementById('search'); box.value = 'csto';"
        " box.dispatchEvent(new Event('input')); sco.network.getSelectedNodes()"
    )
    wanted = {node["id"] for node in data["nodes"] if "csto" in str(node["label"]).lower()}
    assert set(found) == wanted and wanted
    country = [node["id"] for node in data["nodes"] if node["type"] == "country"]
    assert country
    shown = browser.run(
        "const off = document.querySelector('#legend input[data-type=\"country\"]'); off.checked = false;"
        " off.dispatchEvent(new Event('change')); sco.nodes.getIds()"
    )
    assert len(shown) == len(data["nodes"]) - len(country)
    assert not set(country) & set(shown)
    assert browser.errors() == []


def dated_network() -> nx.MultiDiGraph[str]:
    network: nx.MultiDiGraph[str] = nx.MultiDiGraph()
    for name, kind in [("a", "person"), ("b", "organisation"), ("c", "country"), ("d", "person")]:
        network.add_node(f"urn:{name}", label=name.upper(), type=kind)
    network.add_edge(
        "urn:a", "urn:b", key=0, label="heads", sources="[X]", start="2010-05", end="2015", symmetric=False
    )
    network.add_edge("urn:b", "urn:c", key=1, label="met", sources="[Y]", date="2018-03-02", symmetric=True,
                     quotes=["They met <b>in</b> March."])  # fmt: skip
    network.add_edge("urn:c", "urn:d", key=2, label="knows", sources="[Z]", symmetric=True)
    return network


def test_the_date_slider_hides_relations_not_holding_then_and_arrows_follow_direction(
    browser: Browser, tmp_path: Path
) -> None:
    path = tmp_path / "dated.html"
    network = dated_network()
    path.write_bytes(page(network, {node: (i * 0.3, i * 0.2) for i, node in enumerate(network)}, "Dated"))
    browser.open(path.as_uri())
    settle(browser)

    def shown_on(iso: str) -> list[int]:
        return sorted(
            browser.run(
                "const on = document.getElementById('as-of-on'); on.checked = true;"
                " on.dispatchEvent(new Event('change')); const s = document.getElementById('as-of');"
                f" s.value = String(Date.UTC({iso[:4]}, {int(iso[5:7]) - 1}, {int(iso[8:])}) / 864e5);"
                " s.dispatchEvent(new Event('input')); sco.edges.getIds()"
            )
        )

    assert shown_on("2012-01-01") == [0, 2]  # the fact holds, the event has not happened yet
    assert shown_on("2016-01-01") == [2]  # the fact ended in 2015
    assert shown_on("2018-03-02") == [1, 2]  # the event happened that day
    assert browser.run("document.getElementById('as-of-day').textContent") == "2018-03-02"
    everything = browser.run(
        "const on = document.getElementById('as-of-on'); on.checked = false; on.dispatchEvent(new Event('change'));"
        " sco.edges.getIds()"
    )
    assert sorted(everything) == [0, 1, 2]
    arrows = browser.run("sco.edges.get().map(e => [e.id, e.arrows])")
    assert sorted(arrows) == [[0, "to"], [1, ""], [2, ""]]
    panel = browser.run(
        "sco.network.selectEdges([1]); sco.network.body.emitter.emit('click', {nodes: [], edges: [1]});"
        " [document.getElementById('details').textContent, document.querySelectorAll('#details b').length,"
        " document.querySelectorAll('#details .quote').length]"
    )
    assert "They met <b>in</b> March." in panel[0] and "[Y]" in panel[0]
    assert panel[1:] == [0, 1]  # the quote is text: its markup made no element
    assert browser.errors() == [] and browser.requests() == [path.as_uri()]


def test_a_page_drawn_by_the_cli_carries_the_dates_its_slider_reads(cli: Invoke, tmp_path: Path) -> None:
    import re

    out = tmp_path / "csto.html"
    assert cli("draw", "CSTO", "--depth", "2", "--output", str(out)).exit_code == 0
    page = out.read_text(encoding="utf-8")
    days = set(re.findall(r'"(?:date|start|end)": ?"(\d{4}(?:-\d{2}){0,2})"', page))
    assert len(days) > 5, "the relations carry no dates: the slider would be switched off"
