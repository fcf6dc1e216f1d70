"""Checks a report rendered by headless Chromium: the screenshot is not blank, every chart
file is in the page with its titles, and the browser logged no console error. Standard
library only."""
import pathlib
import re
import struct
import sys
import zlib


def png_pixels(path):
    """Decodes an 8-bit RGB or RGBA PNG into rows of bytes (filters 0-4)."""
    data = pathlib.Path(path).read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "the screenshot is not a PNG"
    pos, idat, width, height, channels = 8, b"", 0, 0, 0
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos:pos + 4])
        kind = data[pos + 4:pos + 8]
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, color = struct.unpack(">IIBB", body[:10])
            assert depth == 8 and color in (2, 6), f"unexpected PNG format {depth}/{color}"
            channels = 3 if color == 2 else 4
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    raw = zlib.decompress(idat)
    stride = width * channels
    rows, prev, i = [], bytearray(stride), 0
    for _ in range(height):
        kind, line = raw[i], bytearray(raw[i + 1:i + 1 + stride])
        i += 1 + stride
        for x in range(stride):
            a = line[x - channels] if x >= channels else 0
            b = prev[x]
            c = prev[x - channels] if x >= channels else 0
            if kind == 1:
                line[x] = (line[x] + a) & 255
            elif kind == 2:
                line[x] = (line[x] + b) & 255
            elif kind == 3:
                line[x] = (line[x] + (a + b) // 2) & 255
            elif kind == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pred = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
                line[x] = (line[x] + pred) & 255
        rows.append(bytes(line))
        prev = line
    return width, height, channels, rows


def main():
    shot, dom_path, console_path, report_dir = sys.argv[1:5]
    width, height, ch, rows = png_pixels(shot)
    colours, inked = set(), 0
    for row in rows[::4]:
        for x in range(0, width * ch, ch * 4):
            px = row[x:x + 3]
            colours.add(px)
            if sum(px) < 600:
                inked += 1
    sampled = len(rows[::4]) * len(range(0, width * ch, ch * 4))
    print(f"screenshot {width}x{height}: {len(colours)} colours, {inked / sampled:.1%} inked")
    assert len(colours) > 20 and inked / sampled > 0.01, "the page looks blank"

    dom = pathlib.Path(dom_path).read_text(encoding="utf-8", errors="replace")
    charts = sorted(p.stem for p in pathlib.Path(report_dir).glob("*.svg"))
    assert charts, "no chart files were written"
    for name in charts:
        m = re.search(r'<figure id="chart-' + re.escape(name) + r'"[^>]*>(.*?)</figure>', dom, re.S)
        assert m, f"chart {name} is missing from the page"
        body = m.group(1)
        assert "<svg" in body and "<text" in body, f"chart {name} has no drawing"
        assert re.search(r"<(polyline|polygon|rect)\b", body), f"chart {name} has no data"
    print(f"{len(charts)} charts in the page: {', '.join(charts)}")

    log = pathlib.Path(console_path).read_text(encoding="utf-8", errors="replace")
    bad = [l for l in log.splitlines() if "CONSOLE" in l and re.search(r"error|uncaught|failed", l, re.I)]
    bad += [l for l in log.splitlines() if "Failed to load resource" in l]
    assert not bad, "console errors:\n" + "\n".join(bad)
    print("no console errors")
    print("report check passed")


if __name__ == "__main__":
    main()
