"""Tasks (invoke). Each task shells out to one tool; run them through ./run, e.g. ``./run build``."""

import os
import shlex
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

from invoke import task

ROOT = Path(__file__).resolve().parent
CONTENT = "content"
OUTPUT = "output"
SOURCES = "sources"
CHROMIUM = "/usr/bin/chromium"
# The browser tests run Chromium's headless shell (less CPU per page); the search benchmark and
# the PDF printing of the document benchmarks run the full browser.
HEADLESS_SHELL = "/usr/bin/chromium-headless-shell"
# Two pytest-xdist workers (the reference machine has two cores); each test module stays on one
# worker, so its module-scoped fixtures (a search index, a browser, a built site) are made once.
PARALLEL = "-n 2 --dist loadscope"


def _extras(c, *names: str) -> None:
    """Install the project's optional dependency groups NAMES (test, bench, lint) once per change of pyproject.toml.

    ``./run`` has installed the project itself; this installs the groups' requirements beside the
    project's own (so pip resolves them together) without building the editable project again,
    which cost about 4 CPU s per group.
    """
    stamp = ROOT / ".venv" / f".extras-{'-'.join(names)}"
    pyproject = ROOT / "pyproject.toml"
    if stamp.exists() and stamp.stat().st_mtime >= pyproject.stat().st_mtime:
        return
    with open(pyproject, "rb") as handle:
        project = tomllib.load(handle)["project"]
    wanted = [*project["dependencies"], *(r for name in names for r in project["optional-dependencies"][name])]
    requirements = " ".join(shlex.quote(r) for r in wanted)
    uv = Path(sys.executable).with_name("uv")
    if uv.exists():  # ./run installed it: same resolution, a fraction of pip's CPU
        c.run(f"{uv} pip install --quiet --python {sys.executable} {requirements}")
    else:
        c.run(f"{sys.executable} -m pip install --quiet --disable-pip-version-check {requirements}")
    stamp.touch()


def _bytecode() -> None:
    """Let the test run keep compiled bytecode, even when the caller's environment says not to.

    Without it every test worker rewrites and compiles every test module again (about 3.5 s of
    collection each) and every child `bulletins`/`pelican` process recompiles this package.
    """
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    sys.dont_write_bytecode = False


def _terminal(quiet: bool) -> bool:
    """Run a command on a pseudo-terminal when ours is one (so it can show its progress), unless QUIET."""
    return not quiet and sys.stderr.isatty()


@task
def ingest(c, sources=SOURCES, content=CONTENT, force=False, quiet=False):
    """Clean raw bulletins from SOURCES into Markdown articles in CONTENT (--quiet: no progress, no summary)."""
    exited = _ingest(c, sources, content, force, quiet)
    if exited:
        sys.exit(exited)


def _ingest(c, sources=SOURCES, content=CONTENT, force=False, quiet=False) -> int:
    """Run ``bulletins ingest``; its exit status (1: a source it could not read was reported)."""
    options = (" --force" if force else "") + (" --quiet" if quiet else "")
    command = f"bulletins ingest {shlex.quote(sources)} --content {shlex.quote(content)}{options}"
    return c.run(command, pty=_terminal(quiet), warn=True).exited


@task
def html(c, settings="pelicanconf.py", quiet=False):
    """Build the archive from content/ into output/ with Pelican (--quiet: no progress lines)."""
    if not Path(settings).is_file():  # Pelican would answer either with a traceback
        sys.exit(f"html: no settings file {settings} (give --settings FILE, e.g. publishconf.py)")
    if not Path(CONTENT).is_dir():
        sys.exit(f"html: no {CONTENT}/ folder to build from (./run build ingests {SOURCES}/ into it first)")
    _check_settings(settings)
    options = " -e BULLETINS_PROGRESS=false" if quiet else ""
    c.run(f"pelican {CONTENT} -o {OUTPUT} -s {shlex.quote(settings)} --fatal errors{options}", pty=_terminal(quiet))


def _check_settings(settings: str) -> None:
    """A settings file that is not Python says where, in one line (Pelican: a 50-line traceback)."""
    try:
        compile(Path(settings).read_bytes(), settings, "exec")
    except SyntaxError as err:
        sys.exit(f"html: {settings}, line {err.lineno}: {err.msg} (the settings file is Python)")
    except (OSError, ValueError) as err:
        sys.exit(f"html: {settings} cannot be read: {err}")


@task
def build(c, quiet=False):
    """Ingest sources/ then build the archive into output/ (the quick start; --quiet: no progress)."""
    # ingest exits 1 when it reported a source it could not read (and wrote every good one): the
    # archive is still built from the rest, and the task exits 1 afterwards. A usage error or an
    # interrupt (2, 130) stops here.
    exited = _ingest(c, quiet=quiet)
    if exited not in (0, 1):
        sys.exit(exited)
    html(c, quiet=quiet)
    if exited:
        print("build: built without the sources reported above", file=sys.stderr)
        sys.exit(1)


@task
def serve(c, port=8000):
    """Serve output/ on http://127.0.0.1:PORT with live rebuilds."""
    port = shlex.quote(str(port))
    c.run(f"pelican {CONTENT} -o {OUTPUT} -s pelicanconf.py --autoreload --listen --bind 127.0.0.1 --port {port}")


@task
def publish(c, target=None):
    """Build with absolute URLs (publishconf.py) and rsync output/ to TARGET or $BULLETINS_RSYNC_TARGET."""
    target = target or os.environ.get("BULLETINS_RSYNC_TARGET")
    if not target:
        sys.exit("publish: give --target user@host:/path or set BULLETINS_RSYNC_TARGET")
    c.run(f"pelican {CONTENT} -o {OUTPUT} -s publishconf.py --fatal errors")
    c.run(f"rsync -avz --delete {OUTPUT}/ {shlex.quote(target)}")


@task
def pack(c, name="bulletins-archive", plain=False):
    """Pack output/ as NAME.zip for hand-out: a BagIt bag (open data/index.html), or with --plain the bare site."""
    if plain:
        print(shutil.make_archive(name, "zip", OUTPUT))
        return
    c.run(f"bulletins pack --site {OUTPUT} --name {shlex.quote(name)}")


@task
def verify(c, site=OUTPUT):
    """Check --site DIR (default output/; an unpacked copy or bag of it too) against its manifest-sha256.txt."""
    sys.exit(c.run(f"bulletins verify {shlex.quote(site)}", warn=True).exited)


@task
def clean(c):
    """Remove output/ and Pelican's cache."""
    for path in (OUTPUT, "cache"):
        shutil.rmtree(ROOT / path, ignore_errors=True)


def _missing_test_packages() -> list[str]:
    """Debian packages the browser and validator tests need that this machine lacks."""
    missing = []
    if not Path(CHROMIUM).exists():
        missing.append("chromium")
    if not Path(HEADLESS_SHELL).exists():
        missing.append("chromium-headless-shell")
    fonts = (
        subprocess.run(["fc-list", ":lang=zh", "family"], check=False, capture_output=True, text=True)
        if shutil.which("fc-list")
        else None
    )
    if not fonts or not fonts.stdout.strip():
        missing.append("fonts-noto-cjk")  # screenshots show tofu without a CJK font
    if not fonts or "WenQuanYi Micro Hei" not in fonts.stdout:
        missing.append("fonts-wqy-microhei")  # the sample PDFs are printed with it (small files)
    if not shutil.which("java"):
        missing.append("default-jre-headless")  # the Nu Html Checker
    if not shutil.which("npm"):
        missing.append("npm")
    return missing


@task
def testdeps(c):
    """Install what the browser and validator tests need: Debian's Chromium and its headless shell, a CJK font,
    Java, the Node packages."""
    missing = _missing_test_packages()
    if missing:
        sudo = "" if os.geteuid() == 0 else "sudo "
        c.run(f"{sudo}apt-get update -qq && {sudo}apt-get install -y -qq {' '.join(missing)} >/dev/null")
    if not (ROOT / "node_modules" / "vnu-jar").exists() or not (ROOT / "node_modules" / "axe-core").exists():
        c.run("npm install --no-audit --no-fund --silent")


@task
def lint(c):
    """ruff: lint and format check of the whole project (configured in pyproject.toml)."""
    _extras(c, "lint")
    c.run("ruff check .")
    c.run("ruff format --check .")


@task(pre=[testdeps])
def test(c, args=""):
    """Run the whole test suite (Node, then Python: browser and corpus-wide too). Extra pytest ARGS allowed."""
    _extras(c, "test")
    _bytecode()
    # Node's tests run beside pytest's start-up (its workers import and collect for seconds);
    # their report is printed once pytest is done, so the two never interleave.
    running = c.run("node --test tests/js/", warn=True, hide=True, asynchronous=True)
    result = c.run(f"python -m pytest {PARALLEL} {args}", warn=True)
    node = running.join()
    print(node.stdout, end="")
    print(node.stderr, end="", file=sys.stderr)
    # Node's report is long; pytest's failures are said again after it, so a log read from its
    # end (as a CI page shows it) names them.
    print(_pytest_summary(result.stdout), end="")
    if result.exited == 5:
        print("pytest collected no tests", file=sys.stderr)
        sys.exit(1)
    sys.exit(node.exited or result.exited)


def _pytest_summary(output: str) -> str:
    """Pytest's short summary of failures and errors with its last line, or the last line alone."""
    lines = output.splitlines(keepends=True)
    start = next((i for i, line in enumerate(lines) if "short test summary info" in line), len(lines) - 1)
    return "".join(lines[max(start, 0) :])


@task
def quick(c, args=""):
    """The fast inner loop: tests not marked corpus, browser or slow."""
    _extras(c, "test")
    _bytecode()
    # Two workers: 50 s against 70 s in one process on an idle 2-core machine (slower under heavy load).
    c.run(f"python -m pytest -n 2 -m 'not corpus and not browser and not slow' {args}")


@task
def bench(c):
    """Run every benchmark in benchmarks/ and print its figures."""
    _extras(c, "test", "bench")
    for script in sorted((ROOT / "benchmarks").glob("bench_*.py")):
        c.run(f"python {script}")
