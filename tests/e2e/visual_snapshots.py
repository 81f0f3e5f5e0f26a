"""Screenshots of the site's main pages, and a pixel comparison of two sets of them.

Not a test (pytest does not collect it): a tool for a change to the stylesheets that must leave the
pages as they were. Take a set before the change and one after, on the same frozen demo database,
then compare:

    python tests/e2e/visual_snapshots.py shoot var/visual/before
    ... change the CSS ...
    python tests/e2e/visual_snapshots.py shoot var/visual/after
    python tests/e2e/visual_snapshots.py compare var/visual/before var/visual/after

`shoot` loads the demo once into var/visual/pristine.sqlite3 (kept between runs, so that both sets
show the same cases), serves a fresh copy of it with `onewindow serve --no-worker` at a fixed clock
(ONEWINDOW_TEST_NOW) and saves a full-page PNG of every page at 1366×768 (the counter's screen) and
390×844 (a phone). `compare` prints one JSON line: pages compared, pages that differ and their
differing pixels, and writes a red-on-grey picture of each difference next to the second set.
"""

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
VAR = ROOT / "var" / "visual"
PRISTINE = VAR / "pristine.sqlite3"
ONEWINDOW = Path(sys.executable).parent / "onewindow"
# The demo's cases are made "today"; every run serves them at the same moment so that the
# colours, counters and relative dates on the pages do not move between two sets.
CLOCK = "2026-12-05T10:00:00+08:00"
VIEWPORTS = {"desk": (1366, 768), "phone": (390, 844)}
PASSWORD = "onewindow-demo"
PORT = 18765

# (name, user or None, path). The pks are the demo's (onewindow demo on an empty database):
# case 3 is the joint fire acceptance, 8 the issued food licence waiting in the locker,
# 6 the intake waiting for supplements, draft 3 the licence awaiting head_market's signature.
PAGES = [
    ("home", None, "/"),
    ("guide", None, "/guide/"),
    ("guide-search", None, "/guide/?q=营业执照"),
    ("guide-item", None, "/guide/441303-SCJG-001/"),
    ("progress", None, "/progress/"),
    ("verify", None, "/verify/"),
    ("login", None, "/accounts/login/"),
    ("error-400", None, "/guide/?q=%00"),
    ("error-404", None, "/no-such-page/"),
    ("kiosk", None, "/kiosk/lockers/hall-1/"),
    ("workspace-clerk", "clerk", "/workspace/"),
    ("workspace-supplements", "clerk", "/workspace/supplements/"),
    ("workspace-hand-over", "clerk", "/workspace/hand-over/"),
    ("intake", "clerk", "/window/"),
    ("intake-continue", "clerk", "/window/intakes/6/"),
    ("case-review", "clerk", "/window/cases/3/"),
    ("case-delivered", "clerk", "/window/cases/1/"),
    ("case-issued", "clerk", "/window/cases/8/"),
    ("acceptance-notice", "clerk", "/window/cases/3/acceptance-notice/"),
    ("lockers", "clerk", "/window/lockers/"),
    ("search", "clerk", "/search/?q=李明"),
    ("error-403", "clerk", "/supervision/"),
    ("password", "clerk", "/accounts/password/"),
    ("workspace-reviewer", "reviewer_market", "/workspace/"),
    ("workspace-done", "reviewer_market", "/workspace/done/"),
    ("inbox", "reviewer_market", "/inbox/"),
    ("task", "reviewer_market", "/inbox/tasks/6/"),
    ("inbox-case", "reviewer_market", "/inbox/cases/4/"),
    ("task-fire", "reviewer_fire", "/inbox/tasks/3/"),
    ("workspace-head", "head_market", "/workspace/"),
    ("awaiting-signature", "head_market", "/inbox/signing/"),
    ("signing", "head_market", "/inbox/signing/3/"),
    ("workspace-supervisor", "supervisor", "/workspace/"),
    ("supervision", "supervisor", "/supervision/"),
    ("audit", "supervisor", "/supervision/cases/3/audit/"),
    ("notifications", "supervisor", "/notifications/"),
    ("outbox", "supervisor", "/messages/"),
    ("certificate", "supervisor", "/certificates/1/"),
]


def _env(db):
    return {
        **os.environ,
        "ONEWINDOW_VAR_DIR": str(VAR),
        "DATABASE_URL": f"sqlite:///{db}",
        "ONEWINDOW_TEST_NOW": CLOCK,
    }


def _pristine():
    """The demo database both sets are shot from, made once."""
    if PRISTINE.exists():
        return
    VAR.mkdir(parents=True, exist_ok=True)
    env = _env(PRISTINE)
    subprocess.run([ONEWINDOW, "migrate", "-v0"], env=env, check=True)
    subprocess.run([ONEWINDOW, "demo"], env=env, check=True, stdout=subprocess.DEVNULL)


def _free_port():
    """A fixed port when it is free: the notices' QR codes encode the served address, so a port
    that changes between two sets would show as a difference on every notice."""
    for port in (PORT, 0):
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return sock.getsockname()[1]
    raise SystemExit("no free port")


def _serve(db):
    port = _free_port()
    server = subprocess.Popen(
        [ONEWINDOW, "serve", f"127.0.0.1:{port}", "--no-worker"],
        env=_env(db),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(base + "/", timeout=1)
            return server, base
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise SystemExit("the server did not answer")


def _sign_in(context, base, username):
    page = context.new_page()
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("form button[type=submit] >> nth=-1")
    page.wait_for_load_state("networkidle")
    page.close()


def shoot(out):
    from playwright.sync_api import sync_playwright

    _pristine()
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    db = VAR / "shoot.sqlite3"
    shutil.copy(PRISTINE, db)
    server, base = _serve(db)
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path="/usr/bin/chromium", args=["--no-sandbox"], headless=True
            )
            for viewport, (width, height) in VIEWPORTS.items():
                contexts = {}
                for name, user, path in PAGES:
                    if user not in contexts:
                        contexts[user] = browser.new_context(
                            locale="zh-CN",
                            viewport={"width": width, "height": height},
                            device_scale_factor=1,
                        )
                        if user:
                            _sign_in(contexts[user], base, user)
                    page = contexts[user].new_page()
                    page.goto(base + path)
                    page.wait_for_load_state("networkidle")
                    page.screenshot(
                        path=out / f"{name}-{viewport}.png",
                        full_page=True,
                        animations="disabled",
                        caret="hide",
                    )
                    page.close()
                for context in contexts.values():
                    context.close()
            browser.close()
    finally:
        server.terminate()
        server.wait()


def compare(before, after):
    from PIL import Image, ImageChops

    before, after = Path(before), Path(after)
    pages, differing = 0, {}
    for old in sorted(before.glob("*.png")):
        new = after / old.name
        if not new.exists() or new.name.startswith("diff-"):
            continue
        pages += 1
        a, b = Image.open(old).convert("RGB"), Image.open(new).convert("RGB")
        if a.size != b.size:
            differing[old.stem] = f"size {a.size} -> {b.size}"
            continue
        mask = ImageChops.difference(a, b).convert("L").point(lambda v: 255 if v else 0)
        count = mask.histogram()[255]
        if count:
            differing[old.stem] = count
            grey = a.convert("L").convert("RGB")
            grey.paste((255, 0, 0), mask=mask)
            grey.save(after / f"diff-{old.name}")
    print(json.dumps({"screenshots_compared": pages, "differing": differing}, ensure_ascii=False))


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "shoot":
        shoot(sys.argv[2])
    elif len(sys.argv) == 4 and sys.argv[1] == "compare":
        compare(sys.argv[2], sys.argv[3])
    else:
        raise SystemExit(__doc__)
