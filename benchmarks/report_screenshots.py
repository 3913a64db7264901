"""Build the HTML report of a run, check its layout in headless Chromium, take screenshots.

    python benchmarks/report_screenshots.py [RUN] [--width 1366] [--also 1024]
                                            [--out benchmarks/results]

RUN defaults to the newest ``runs/demo-*`` folder. The report is written to a temporary folder
(the run folder is not touched). Headless Chromium (Debian: ``apt-get install chromium``) loads
it at desktop width (and at the ``--also`` widths) and reports the page's scroll width against
the window's width and every element that reaches past the right edge or is cut off by its own
box; then it screenshots the whole page at ``--width``, cut into pieces ``report_01.png``,
``report_02.png`` … . Prints what it measured and writes ``report_screenshots.json``; exits 1
when anything overflows.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--run-all-compositor-stages-before-draw",
    "--virtual-time-budget=8000",
)

# Appended to a copy of the report: after load, write the layout facts into the DOM, where
# --dump-dom prints them (headless Chromium has no other way out for a page's numbers).
PROBE = """<script>
window.addEventListener('load', function () {
  var root = document.documentElement, width = root.clientWidth, wide = [];
  document.querySelectorAll('body *').forEach(function (el) {
    var box = el.getBoundingClientRect();
    if (box.width === 0 || box.height === 0) return;
    var cut = el.scrollWidth > el.clientWidth + 1 && getComputedStyle(el).overflowX !== 'visible';
    if (box.right > width + 1 || box.left < -1 || cut) {
      var name = el.tagName.toLowerCase() + (el.id ? '#' + el.id : '');
      if (typeof el.className === 'string' && el.className) name += '.' + el.className;
      wide.push(name + ' [' + Math.round(box.left) + ', ' + Math.round(box.right) + ']'
                + (cut ? ' cut' : ''));
    }
  });
  var out = document.createElement('pre');
  out.id = 'layout-probe';
  out.textContent = JSON.stringify({scroll_width: root.scrollWidth, client_width: width,
    inner_width: window.innerWidth, height: root.scrollHeight, overflowing: wide});
  document.body.appendChild(out);
});
</script>"""


def find_chromium() -> str | None:
    """The Chromium (or Chrome) executable on PATH, or None."""
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    return None


def run_chromium(args: list[str], timeout: float = 120) -> str:
    """Run headless Chromium with a throw-away profile; return its standard output."""
    chromium = find_chromium()
    if chromium is None:
        raise RuntimeError("chromium not found (Debian: apt-get install chromium)")
    with tempfile.TemporaryDirectory(prefix="report-chromium-") as profile:
        result = subprocess.run(
            [chromium, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *args],
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    if result.returncode != 0:
        raise RuntimeError(f"chromium exited {result.returncode}: {result.stderr[-2000:]}")
    return result.stdout


def measure_layout(report: Path, width: int = 1366, height: int = 900) -> dict:
    """Layout facts of ``report`` at ``width``: scroll and client width, page height, and the
    elements reaching past the right edge or cut off (``overflowing``)."""
    text = report.read_text(encoding="utf-8")
    with tempfile.TemporaryDirectory(prefix="report-probe-") as folder:
        probe = Path(folder) / "probe.html"
        probe.write_text(text.replace("</body>", PROBE + "</body>", 1), encoding="utf-8")
        dom = run_chromium([f"--window-size={width},{height}", "--dump-dom", probe.as_uri()])
    match = re.search(r'<pre id="layout-probe">(.*?)</pre>', dom, re.S)
    if match is None:
        raise RuntimeError("the layout probe did not run (no #layout-probe in the dumped DOM)")
    import html

    return json.loads(html.unescape(match.group(1)))


def screenshots(
    report: Path, out_dir: Path, page_height: int, width: int = 1366, piece: int = 1500
) -> list[Path]:
    """Screenshot the whole page at ``width`` and cut it into pieces of ``piece`` pixels."""
    from PIL import Image

    with tempfile.TemporaryDirectory(prefix="report-shot-") as folder:
        full = Path(folder) / "full.png"
        size = f"--window-size={width},{page_height}"
        run_chromium(["--hide-scrollbars", size, f"--screenshot={full}", report.as_uri()])
        image = Image.open(full)
        image.load()
    out_dir.mkdir(parents=True, exist_ok=True)
    for old in out_dir.glob("report_[0-9][0-9].png"):
        old.unlink()
    paths = []
    for number, top in enumerate(range(0, image.height, piece), start=1):
        crop = image.crop((0, top, width, min(top + piece, image.height)))
        path = out_dir / f"report_{number:02d}.png"
        # a 256-colour palette keeps text sharp at a third of the size of full-colour PNGs
        crop.convert("RGB").quantize(256, dither=Image.Dither.NONE).save(path, optimize=True)
        paths.append(path)
    return paths


def newest_demo_run() -> Path:
    runs = sorted((ROOT / "runs").glob("demo-*"), key=lambda p: p.name)
    if not runs:
        raise SystemExit("no runs/demo-* folder: run `toolkit run experiments/demo.yaml` first")
    return runs[-1]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("run", nargs="?", type=Path, help="run folder (default: newest demo)")
    parser.add_argument("--width", type=int, default=1366, help="screenshot width")
    parser.add_argument(
        "--also", type=int, nargs="*", default=[1024], help="more widths to check the layout at"
    )
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    from toolkit import load_run
    from toolkit.report import write_report

    run = load_run(args.run or newest_demo_run())
    with tempfile.TemporaryDirectory(prefix="report-") as folder:
        started = time.perf_counter()
        report = write_report(run, Path(folder) / "report.html")
        build_seconds = time.perf_counter() - started
        layouts = {width: measure_layout(report, width) for width in [args.width, *args.also]}
        pieces = screenshots(report, args.out, layouts[args.width]["height"], args.width)
        size = report.stat().st_size
    print(f"report of {run.path.name}: {size / 1024:.0f} KiB, built in {build_seconds:.1f} s")
    fits = True
    for width, layout in layouts.items():
        layout["fits_width"] = layout["scroll_width"] <= layout["client_width"]
        fits &= layout["fits_width"] and not layout["overflowing"]
        print(
            f"at {width} px: scroll width {layout['scroll_width']} / client width "
            f"{layout['client_width']}, page height {layout['height']} px, "
            f"{len(layout['overflowing'])} overflowing elements"
        )
        for element in layout["overflowing"][:20]:
            print("  overflowing:", element)
    result = {
        "run": run.path.name,
        "report_bytes": size,
        "build_seconds": round(build_seconds, 2),
        "layouts": {str(width): layout for width, layout in layouts.items()},
        "screenshot_width": args.width,
        "screenshots": [p.name for p in pieces],  # beside this JSON file
    }
    print("screenshots:", ", ".join(result["screenshots"]))
    (args.out / "report_screenshots.json").write_text(
        json.dumps(result, indent=2) + "\n", encoding="utf-8"
    )
    return 0 if fits else 1


if __name__ == "__main__":
    raise SystemExit(main())
