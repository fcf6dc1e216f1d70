"""Checks the bundled lesson as headless Chromium rendered it in three states: the replay
played, the figures shown are the embedded ones for the state's grid point and `run --json`'s for that scenario,
the A/B differences are `compare --json`'s, the exercise marks the embedded answer, the page
redrew in under 100 ms, the screenshots are not blank, and the browser logged no error.
Standard library only."""
import html
import json
import pathlib
import re
import subprocess
import sys

sys.path.insert(0, str(pathlib.Path(__file__).parent))
from check_report import png_pixels  # noqa: E402

ATTR = re.compile(r'([\w-]+)="([^"]*)"')


def attrs(tag):
    return {k: html.unescape(v) for k, v in ATTR.findall(tag)}


def tiles(dom):
    return {a["data-key"]: a for a in map(attrs, re.findall(r'<div class="tile"[^>]*>', dom))}


def lever_values(dom, n):
    out = []
    for k in range(n):
        m = re.search(r'<output id="lever-%d-value"[^>]*>(.*?)</output>' % k, dom)
        assert m, f"lever {k} shows no value"
        out.append(html.unescape(m.group(1)))
    return out


def same(shown, value, what):
    if value is None:
        assert shown in ("null", "undefined", None), f"{what}: shown {shown}, expected none"
        return
    assert float(shown) == value, f"{what}: shown {shown}, expected {value!r}"


def at(summary, key):
    if "." in key:
        kind, name = key.rsplit(".", 1)
        return summary["kinds"][kind][name]
    return summary["overall"][key]


def check_screenshot(path):
    width, height, ch, rows = png_pixels(path)
    colours = set()
    for row in rows[::8]:
        for x in range(0, width * ch, ch * 8):
            colours.add(row[x:x + 3])
    assert len(colours) > 20, f"{path} looks blank"


def main():
    binary, scenario, work, shots = sys.argv[1:5]
    work = pathlib.Path(work)
    page = work / "lesson" / "lesson.html"
    size = page.stat().st_size
    print(f"lesson.html: {size / 1e6:.2f} MB")
    assert size < 5_000_000, "the lesson page is over 5 MB"
    lesson = json.loads((work / "lesson" / "lesson.json").read_text())
    levers = lesson["levers"]
    for i in range(3):
        dom = (work / f"dom{i}.html").read_text(encoding="utf-8", errors="replace")
        body = attrs(re.search(r"<body[^>]*>", dom).group(0))
        assert body.get("data-ready") == "1", f"state {i}: the script did not finish"
        moves = int(body.get("data-slider-moves", "0"))
        assert moves == 2 * len(levers), f"state {i}: {moves} slider moves, expected {2 * len(levers)}"
        ms = float(body["data-slider-max-ms"])
        assert ms < 100, f"state {i}: a slider move took {ms} ms to redraw"
        start, played = int(body["data-replay-start"]), int(body["data-replay-frame"])
        assert played > start, f"state {i}: the replay did not play (frame {played}, from {start})"
        text = re.search(r'<p id="replay-text"[^>]*>(.*?)</p>', dom, re.S).group(1)
        assert "waiting" in text and "busy" in text, f"state {i}: the replay says nothing: {text}"
        values = lever_values(dom, len(levers))
        index = 0
        for lever, v in zip(levers, values):
            index = index * len(lever["values"]) + lever["values"].index(v)
        point = lesson["points"][index]
        shown = tiles(dom)
        for key, fig in point["figures"].items():
            for part, attr in (("mean", "data-mean"), ("ci_low", "data-ci-low"), ("ci_high", "data-ci-high")):
                same(shown[key].get(attr), fig[part], f"state {i} {key} {part}")
        print(f"state {i} ({', '.join(values)}): {len(point['figures'])} figures as embedded, {moves} slider moves, slowest redraw {ms} ms, replay played {played - start} frames")
        log = (work / f"console{i}.log").read_text(encoding="utf-8", errors="replace")
        bad = [l for l in log.splitlines() if "CONSOLE" in l and re.search(r"error|uncaught|failed", l, re.I)]
        bad += [l for l in log.splitlines() if "Failed to load resource" in l]
        assert not bad, f"state {i}: console errors:\n" + "\n".join(bad)
        check_screenshot(pathlib.Path(shots) / f"state-{i}.png")
        if i != 1:
            continue
        # State 1: B is the bundled file as written; A is it without the bot.
        text = pathlib.Path(scenario).read_text()
        b_file = work / "b.toml"
        a_file = work / "a.toml"
        b_file.write_text(text)
        start, end = text.index("\n[automation]"), text.index("\n[lesson]")
        a_file.write_text(text[:start] + text[end:])
        run = json.loads(subprocess.run([binary, "run", str(b_file), "--json"], check=True,
                                        capture_output=True, text=True).stdout)
        for key in point["figures"]:
            for part, attr in (("mean", "data-mean"), ("ci_low", "data-ci-low"), ("ci_high", "data-ci-high")):
                same(shown[key].get(attr), at(run, key)[part], f"run --json {key} {part}")
        print(f"state 1: every figure equals run --json on {b_file.name}")
        cmp = json.loads(subprocess.run([binary, "compare", str(a_file), str(b_file), "--json"], check=True,
                                        capture_output=True, text=True).stdout)
        rows = {attrs(m.group(1))["data-key"]: attrs(m.group(2)) for m in
                re.finditer(r'<tr (data-key="[^"]*")>.*?<td ([^>]*data-diff-mean[^>]*)>', dom)}
        assert rows, "the A/B table is missing"
        checked = 0
        for key, cell in rows.items():
            scope, name, metric = ("kind",) + tuple(key.rsplit(".", 1)) if "." in key else ("overall", "", key)
            d = [x for x in cmp["differences"] if x["scope"] == scope and x["name"] == name and x["metric"] == metric]
            assert d, f"compare has no {key}"
            same(cell.get("data-diff-mean"), d[0]["mean"], f"A/B {key} mean")
            same(cell.get("data-diff-low"), d[0]["ci_low"], f"A/B {key} low")
            same(cell.get("data-diff-high"), d[0]["ci_high"], f"A/B {key} high")
            checked += 1
        print(f"state 1: {checked} A/B differences equal compare --json")
        best = attrs(re.search(r'<p id="answer-best"[^>]*>', dom).group(0))
        assert int(best["data-point"]) == lesson["answer"]["best"], "the exercise marks another point"
        print("state 1: the exercise shows the embedded answer")
    print("lesson check passed")


if __name__ == "__main__":
    main()
