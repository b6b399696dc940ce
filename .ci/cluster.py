"""The cluster check run by .ci/cluster: start the services of deploy/ from the installed wheel, drive the
marketplace through nginx as people would, break things on purpose, and fail on any miss.

Standard library only (it runs with the test environment's python, talking HTTP like a browser: reading
each form, its CSRF token included, before sending it). The services are started from the deploy kit the
wheel installed: each web node and the worker run the commands of their systemd unit, nginx runs the
site file with its ports and paths swapped and TLS replaced by plain http with X-Forwarded-Proto https.

Two checks need features that are built separately, and say so when they fail:
  * documents stored in the database, so every node serves a document uploaded through another;
  * each node following the database's change log, so a change made through one node is searchable
    (or gone) on the other within 2 seconds.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import random
import re
import secrets
import shlex
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from dataclasses import dataclass
from html.parser import HTMLParser
from http.cookies import SimpleCookie
from pathlib import Path

WORK = Path(os.environ["CLUSTER_WORK"])
VENV = Path(os.environ["CLUSTER_VENV"])
KIT = Path(os.environ["CLUSTER_KIT"])
DATABASE = os.environ["CLUSTER_DATABASE"]
TEST_PYTHON = os.environ["CLUSTER_TEST_PYTHON"]
SINK = os.environ["CLUSTER_SINK"]
ENV_EXAMPLE = Path(os.environ["CLUSTER_ENV_EXAMPLE"])

LOGS = WORK / "logs"
STATE = WORK / "state"  # stands for /var/lib/marketplace
HOST = "jobs.example.org"  # the public host: nginx's server_name and MARKETPLACE_BASE_URL's
PASSWORD = "Cluster-" + secrets.token_urlsafe(12)
API_LIMIT = 20  # MARKETPLACE_API_RATE_LIMIT per minute, low so the check is quick
LAG_TARGET = 2.0  # seconds for another node to see a change
LAG_WAIT = 3.0  # how long a lag sample waits before it counts as not seen
DOCUMENT_FEATURE = "needs documents stored in the database (built separately)"
FOLLOWER_FEATURE = "needs each node to follow the change log, LISTEN/NOTIFY + poll (built separately)"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# --- What was checked -------------------------------------------------------------------------------------


@dataclass
class Result:
    name: str
    passed: bool
    detail: str = ""
    needs: str = ""


results: list[Result] = []
figures: dict[str, str] = {}


def check(name: str, passed: bool, detail: str = "", needs: str = "") -> bool:
    result = Result(name, bool(passed), detail, needs if not passed else "")
    results.append(result)
    mark = "ok      " if result.passed else "FAILED  "
    line = mark + name + (f": {detail}" if detail else "")
    if result.needs:
        line += f"  [{result.needs}]"
    print(line, flush=True)
    return result.passed


def say(text: str) -> None:
    print(f"-- {text}", flush=True)


# --- Processes --------------------------------------------------------------------------------------------


class Processes:
    """Every service this check starts, each in its own process group, listed in WORK/process-groups so
    .ci/cluster's trap can end them by id if this script dies first."""

    def __init__(self) -> None:
        self.running: dict[str, subprocess.Popen] = {}
        self.registry = WORK / "process-groups"

    def _write_registry(self) -> None:
        self.registry.write_text("".join(f"{p.pid}\n" for p in self.running.values()))

    def start(self, name: str, argv: list[str], env: dict, cwd: Path | None = None) -> subprocess.Popen:
        log = open(LOGS / f"{name}.log", "ab")  # noqa: SIM115 (the child keeps it)
        process = subprocess.Popen(  # noqa: S603
            argv, env=env, cwd=cwd, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        log.close()
        self.running[name] = process
        self._write_registry()
        return process

    def stop(self, name: str, sig: int = signal.SIGTERM, timeout: float = 30) -> None:
        process = self.running.pop(name, None)
        if process is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, sig)
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        # Its workers may outlive the master for a moment after a kill -9: wait for the whole group.
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                os.killpg(process.pid, 0)
            except ProcessLookupError:
                break
            if sig == signal.SIGKILL:
                try:
                    os.killpg(process.pid, signal.SIGKILL)
                except ProcessLookupError:
                    break
            time.sleep(0.05)
        self._write_registry()

    def stop_all(self) -> None:
        for name in reversed(list(self.running)):
            self.stop(name)


processes = Processes()


def run(
    argv: list[str], env: dict, cwd: Path | None = None, timeout: float = 120
) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603
        argv, env=env, cwd=cwd, capture_output=True, text=True, timeout=timeout, check=False
    )


def psql(sql: str, database: str = DATABASE, **values: object) -> list[list[str]]:
    """Rows of a query on the cluster's database; `values` are psql variables (:'name' in `sql`)."""
    command = ["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", database, "-AtF", "\t"]
    command += ["-v", "ON_ERROR_STOP=1"]
    for name, value in values.items():
        command += ["-v", f"{name}={value}"]
    completed = subprocess.run(command, input=sql, capture_output=True, text=True, check=False)  # noqa: S603
    if completed.returncode != 0:
        raise AssertionError(f"psql: {completed.stderr.strip()} ({sql})")
    return [line.split("\t") for line in completed.stdout.splitlines() if line]


def wait_for_port(port: int, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            probe.settimeout(0.5)
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return True
        time.sleep(0.1)
    return False


# --- The systemd units, read as systemd would -------------------------------------------------------------


class Unit:
    """A unit file of the kit, with the server's paths swapped for this run's: the commands and the
    environment its [Service] section gives a process."""

    def __init__(self, name: str, instance: str = "") -> None:
        text = (KIT / "systemd" / name).read_text().replace("\\\n", " ")
        text = text.replace("/srv/marketplace/venv", str(VENV)).replace("/var/lib/marketplace", str(STATE))
        self.values: dict[str, list[str]] = {}
        for line in text.splitlines():
            line = line.strip()
            if not line or line.startswith(("#", "[")) or "=" not in line:
                continue
            key, _, value = line.partition("=")
            self.values.setdefault(key, []).append(value.replace("%i", instance))

    def commands(self, key: str) -> list[list[str]]:
        # systemd's "$$" is a literal "$" for the shell it starts.
        return [
            [part.replace("$$", "$") for part in shlex.split(value)] for value in self.values.get(key, [])
        ]

    def environment(self, base: dict) -> dict:
        env = dict(base)
        for value in self.values.get("Environment", []):
            key, _, setting = value.partition("=")
            env[key] = setting
        return env

    def directory(self) -> Path:
        path = Path(self.values["WorkingDirectory"][0])
        path.mkdir(parents=True, exist_ok=True)  # systemd's StateDirectory=
        return path


def env_file(path: Path) -> dict:
    """An EnvironmentFile: KEY=VALUE lines, values optionally in double quotes."""
    env = {}
    for line in path.read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            key, _, value = line.partition("=")
            env[key] = value[1:-1] if len(value) >= 2 and value[0] == value[-1] == '"' else value
    return env


# --- A browser, as far as forms, cookies and redirects go -------------------------------------------------


class FormReader(HTMLParser):
    """Every form on a page with the values a browser would send if nothing were changed."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []
        self.form: dict | None = None
        self.textarea: tuple[str, list[str]] | None = None
        self.select: dict | None = None

    def handle_starttag(self, tag: str, attrs: list) -> None:
        a = dict(attrs)
        if tag == "form":
            self.form = {
                "action": a.get("action") or "",
                "method": (a.get("method") or "get").lower(),
                "enctype": a.get("enctype") or "",
                "fields": [],
            }
        elif self.form is None:
            return
        elif tag == "input" and a.get("name"):
            kind = (a.get("type") or "text").lower()
            if kind in ("submit", "button", "image", "reset", "file"):
                return
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            self.form["fields"].append((a["name"], a.get("value") or ("on" if kind == "checkbox" else "")))
        elif tag == "textarea" and a.get("name"):
            self.textarea = (a["name"], [])
        elif tag == "select" and a.get("name"):
            self.select = {"name": a["name"], "options": [], "selected": []}
        elif tag == "option" and self.select is not None:
            value = a.get("value", "")
            self.select["options"].append(value)
            if "selected" in a:
                self.select["selected"].append(value)

    def handle_data(self, data: str) -> None:
        if self.textarea is not None:
            self.textarea[1].append(data)

    def handle_endtag(self, tag: str) -> None:
        if self.form is None:
            return
        if tag == "textarea" and self.textarea is not None:
            name, parts = self.textarea
            self.form["fields"].append((name, "".join(parts).lstrip("\n")))
            self.textarea = None
        elif tag == "select" and self.select is not None:
            chosen = self.select["selected"] or self.select["options"][:1]
            self.form["fields"].extend((self.select["name"], value) for value in chosen)
            self.select = None
        elif tag == "form":
            self.forms.append(self.form)
            self.form = None


@dataclass
class Response:
    status: int
    headers: http.client.HTTPMessage
    body: bytes
    path: str

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")

    def json(self):
        return json.loads(self.body)

    def forms(self) -> list[dict]:
        reader = FormReader()
        reader.feed(self.text)
        return reader.forms

    def form(self, action: str | None = None) -> dict:
        """The form posting to a path ending in `action` (default: this page's), the last if several."""
        wanted = action or self.path
        found = [
            f
            for f in self.forms()
            if f["method"] == "post" and (f["action"].split("?")[0] or self.path).endswith(wanted)
        ]
        if not found:
            raise AssertionError(f"no form for {action or self.path} on {self.path} ({self.status})")
        return found[-1]


# Every response, for the "never a 5xx" check: (who, method, path, status). Requests racing a deliberate
# kill -9 are not recorded here.
responses: list[tuple[str, str, str, int]] = []


class Browser:
    """One person's browser: a cookie jar, a source address, and either nginx (the public way in) or a
    node directly (as nginx would: the X-Forwarded-* headers set, from 127.0.0.1)."""

    def __init__(self, name: str, port: int, source: str = "127.0.0.1", *, node: bool = False) -> None:
        self.name, self.port, self.source, self.node = name, port, source, node
        self.cookies: dict[str, str] = {}
        self.last_path = "/"
        self.record = True

    def at(self, port: int, *, node: bool) -> Browser:
        """The same person (the same cookies) going another way in."""
        other = Browser(self.name, port, self.source, node=node)
        other.cookies = self.cookies
        return other

    def request(
        self, method: str, path: str, body: bytes | None = None, headers: dict | None = None, timeout=30
    ) -> Response:
        all_headers = {
            "Host": HOST,
            "User-Agent": f"cluster-check ({self.name})",
            # What a browser sends on https: Flask-WTF checks it against the host on secure requests.
            "Referer": f"https://{HOST}{self.last_path}",
        }
        if self.node:
            all_headers.update(
                {"X-Forwarded-For": self.source, "X-Forwarded-Proto": "https", "X-Forwarded-Host": HOST}
            )
        if self.cookies:
            all_headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        all_headers.update(headers or {})
        connection = http.client.HTTPConnection(
            "127.0.0.1", self.port, timeout=timeout, source_address=(self.source, 0)
        )
        try:
            connection.request(method, path, body=body, headers=all_headers)
            raw = connection.getresponse()
            response = Response(raw.status, raw.headers, raw.read(), path.split("?")[0])
        finally:
            connection.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            cookie = SimpleCookie()
            cookie.load(header)
            for key, morsel in cookie.items():
                if morsel["max-age"] == "0" or (morsel["expires"] and "1970" in morsel["expires"]):
                    self.cookies.pop(key, None)
                else:
                    self.cookies[key] = morsel.value
        if self.record:
            responses.append((self.name, method, path, response.status))
        return response

    def get(self, path: str, follow: bool = True, **kwargs) -> Response:
        response = self.request("GET", path, **kwargs)
        hops = 0
        while follow and response.status in (301, 302, 303, 307, 308) and hops < 10:
            location = urllib.parse.urlsplit(response.headers["Location"])
            path = location.path + (f"?{location.query}" if location.query else "")
            response = self.request("GET", path)
            hops += 1
        if response.status == 200:
            self.last_path = path
        return response

    def submit(
        self, page: Response, data: dict | None = None, *, action: str | None = None, files=None, follow=True
    ) -> Response:
        """Send a form of `page` as a person who changed only `data` (a list value: several values)."""
        form = page.form(action)
        data = data or {}
        fields = [(k, v) for k, v in form["fields"] if k not in data]
        for key, value in data.items():
            fields.extend((key, v) for v in (value if isinstance(value, list) else [value]))
        target = form["action"] or page.path
        if files:
            boundary = secrets.token_hex(16)
            parts = []
            for key, value in fields:
                head = f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n'
                parts.append(f"{head}{value}\r\n".encode())
            for key, (filename, content, content_type) in files.items():
                parts.append(
                    f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"; filename="{filename}"\r\n'
                    f"Content-Type: {content_type}\r\n\r\n".encode()
                    + content
                    + b"\r\n"
                )
            body = b"".join(parts) + f"--{boundary}--\r\n".encode()
            content_type = f"multipart/form-data; boundary={boundary}"
        else:
            body = urllib.parse.urlencode(fields).encode()
            content_type = "application/x-www-form-urlencoded"
        self.last_path = page.path
        response = self.request("POST", target, body=body, headers={"Content-Type": content_type})
        if follow and response.status in (301, 302, 303):
            return self.get(response.headers["Location"])
        return response

    def sign_in(self, email: str) -> Response:
        page = self.get("/sign-in")
        response = self.submit(page, {"email": email, "password": PASSWORD})
        assert "Sign out" in response.text, f"{email} could not sign in ({response.status})"
        return response


def pdf_bytes(text: str) -> bytes:
    """A one-page PDF with a line of text and a correct cross-reference table."""
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


# --- The cluster ------------------------------------------------------------------------------------------


class Cluster:
    def __init__(self) -> None:
        self.nginx_port, self.redirect_port = free_port(), free_port()
        self.node_ports = [free_port(), free_port()]
        self.smtp_port, self.redis_port = free_port(), free_port()
        self.mail_log = WORK / "smtp-received.jsonl"
        self.mail_log.touch()
        base = {k: v for k, v in os.environ.items() if not k.startswith(("MARKETPLACE_", "CLUSTER_"))}
        self.env = {
            **base,
            **env_file(ENV_EXAMPLE),
            # The example's placeholders, filled in for this machine.
            "MARKETPLACE_SECRET_KEY": secrets.token_urlsafe(48),
            "MARKETPLACE_DATABASE_URL": f"postgresql+psycopg://postgres@127.0.0.1:5432/{DATABASE}",
            "MARKETPLACE_BASE_URL": f"https://{HOST}",
            "MARKETPLACE_RATELIMIT_STORAGE_URL": f"redis://127.0.0.1:{self.redis_port}/0",
            "MARKETPLACE_SMTP_PORT": str(self.smtp_port),
            "MARKETPLACE_SMTP_TIMEOUT": "5",
            "MARKETPLACE_API_RATE_LIMIT": f"{API_LIMIT} per minute",
            # The journey's school joined a minute ago: after its first listing is approved, the others
            # publish at once (the kill -9 check needs a school's own request to publish).
            "MARKETPLACE_MODERATION_PERSON_TRUSTED_AFTER": "0",
            "MARKETPLACE_MODERATION_NEW_MEMBER_DAYS": "0",
            # Two nodes of two workers each on this machine's 2 cores (gunicorn's own variable).
            "WEB_CONCURRENCY": "2",
            "PYTHONUNBUFFERED": "1",
        }
        self.cli_env = {**self.env, "MARKETPLACE_INSTANCE_PATH": str(STATE / "jobs")}

    def marketplace(self, *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
        (STATE / "jobs").mkdir(parents=True, exist_ok=True)
        return run(
            [str(VENV / "bin" / "marketplace"), *args], self.cli_env, cwd=STATE / "jobs", timeout=timeout
        )

    # Services

    def start_redis(self) -> None:
        processes.start(
            "redis",
            [
                "redis-server",
                "--port",
                str(self.redis_port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            self.env,
        )
        assert wait_for_port(self.redis_port, 15), "Redis did not start"

    def start_sink(self) -> None:
        processes.start("smtp-sink", [TEST_PYTHON, SINK, str(self.smtp_port), str(self.mail_log)], self.env)
        assert wait_for_port(self.smtp_port, 15), "the SMTP sink did not start"

    def node_name(self, index: int) -> str:
        return f"node{index + 1}"

    def start_node(self, index: int) -> None:
        """As systemd starts marketplace-web@PORT: ExecStartPre (sync the index), then ExecStart; then
        the node's index writer, marketplace-search-follow@PORT (Wants= and After= the web unit)."""
        port = self.node_ports[index]
        unit = Unit("marketplace-web@.service", str(port))
        env = unit.environment(self.env)
        cwd = unit.directory()
        for command in unit.commands("ExecStartPre"):
            done = run(command, env, cwd=cwd)
            if done.returncode != 0:
                raise AssertionError(f"{self.node_name(index)}: {shlex.join(command)} failed: {done.stderr}")
        (command,) = unit.commands("ExecStart")
        processes.start(self.node_name(index), command, env, cwd=cwd)
        if not self.wait_healthy(port, 60):
            raise AssertionError(f"{self.node_name(index)} did not answer /healthz within 60 s")
        writer = f"{self.node_name(index)}-search-follow"
        if writer not in processes.running:  # it outlives a kill of the node's gunicorn, as under systemd
            unit = Unit("marketplace-search-follow@.service", str(port))
            (command,) = unit.commands("ExecStart")
            processes.start(writer, command, unit.environment(self.env), cwd=unit.directory())

    def sync_node(self, index: int) -> None:
        """`marketplace search sync` for one node's replica, as the sync timer runs it."""
        env = {**self.env, "MARKETPLACE_INSTANCE_PATH": str(self.instance(index))}
        done = run([str(VENV / "bin" / "marketplace"), "search", "sync"], env, cwd=self.instance(index))
        assert done.returncode == 0, done.stderr

    def instance(self, index: int) -> Path:
        return STATE / f"node-{self.node_ports[index]}"

    def wait_healthy(self, port: int, seconds: float) -> bool:
        deadline = time.monotonic() + seconds
        probe = Browser("probe", port, node=True)
        probe.record = False
        while time.monotonic() < deadline:
            try:
                if probe.get("/healthz").status == 200:
                    return True
            except OSError:
                pass
            time.sleep(0.2)
        return False

    def start_worker(self) -> None:
        unit = Unit("marketplace-worker.service")
        env = unit.environment(self.env)
        (command,) = unit.commands("ExecStart")
        # The unit's interval is 5 s; 1 s keeps the run short (the command is otherwise the unit's).
        command = [part if part != "5" else "1" for part in command]
        processes.start("worker", command, env, cwd=unit.directory())

    def start_nginx(self) -> None:
        """The kit's site file, with this run's ports and paths, and plain http standing in for TLS."""
        site = (KIT / "nginx" / "marketplace.conf").read_text()

        def swap(old: str, new: str, count: int = 1) -> None:
            nonlocal site
            found = site.count(old)
            if found != count:
                raise AssertionError(
                    f"deploy/nginx/marketplace.conf: expected {old!r} {count}x, found {found}"
                )
            site = site.replace(old, new)

        first, second = self.node_ports
        swap("server 127.0.0.1:8001 ", f"server 127.0.0.1:{first} ")
        swap("server 127.0.0.1:8002 ", f"server 127.0.0.1:{second} ")
        swap("    listen 80;\n    listen [::]:80;\n", f"    listen 127.0.0.1:{self.redirect_port};\n")
        swap(
            "    listen 443 ssl http2;\n    listen [::]:443 ssl http2;\n",
            f"    listen 127.0.0.1:{self.nginx_port};\n",
        )
        site = re.sub(r"\n\s*ssl_[a-z_]+ [^;]*;", "", site)
        # No TLS here: nginx says what it would say behind TLS.
        swap("proxy_set_header X-Forwarded-Proto $scheme;", "proxy_set_header X-Forwarded-Proto https;")
        swap("/srv/marketplace/venv/", f"{VENV}/")
        swap("/var/log/nginx/", f"{LOGS}/nginx-", 2)
        root = WORK / "nginx"
        root.mkdir(exist_ok=True)
        (root / "marketplace.conf").write_text(site)
        (root / "nginx.conf").write_text(
            f"""daemon off;
worker_processes 1;
pid {root}/nginx.pid;
error_log {LOGS}/nginx-main-error.log;
events {{ worker_connections 512; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    client_body_temp_path {root}/body;
    proxy_temp_path {root}/proxy;
    fastcgi_temp_path {root}/fastcgi;
    uwsgi_temp_path {root}/uwsgi;
    scgi_temp_path {root}/scgi;
    access_log off;
    include {root}/marketplace.conf;
}}
"""
        )
        tested = run(["/usr/sbin/nginx", "-t", "-p", str(root), "-c", str(root / "nginx.conf")], self.env)
        assert tested.returncode == 0, tested.stderr
        processes.start(
            "nginx", ["/usr/sbin/nginx", "-p", str(root), "-c", str(root / "nginx.conf")], self.env
        )
        assert wait_for_port(self.nginx_port, 15), "nginx did not start"

    # Ways in

    def public(self, name: str, source: str = "127.0.0.1") -> Browser:
        return Browser(name, self.nginx_port, source)

    def direct(self, index: int, name: str = "direct") -> Browser:
        return Browser(name, self.node_ports[index], node=True)


# --- The journey ------------------------------------------------------------------------------------------

SCHOOL_DOMAIN = "kirkstallvalley.leeds.sch.uk"
JOBSEEKER_NAME = "Robin Ashworth"
REGISTER_ROW = {
    "URN": "137042",
    "LA (name)": "Leeds",
    "EstablishmentName": "Kirkstall Valley Primary School",
    "TypeOfEstablishment (name)": "Academy converter",
    "EstablishmentTypeGroup (name)": "Academies",
    "EstablishmentStatus (code)": "1",
    "EstablishmentStatus (name)": "Open",
    "PhaseOfEducation (code)": "2",
    "PhaseOfEducation (name)": "Primary",
    "StatutoryLowAge": "3",
    "StatutoryHighAge": "11",
    "ReligiousCharacter (name)": "Does not apply",
    "Street": "Kirkstall Lane",
    "Town": "Leeds",
    "County (name)": "West Yorkshire",
    "Postcode": "LS5 3AB",
    "SchoolWebsite": f"www.{SCHOOL_DOMAIN}",
    "GOR (name)": "Yorkshire and the Humber",
    "Easting": "426000",
    "Northing": "435500",
}

APPLICATION = {
    "personal-details": {"phone": "07700 900982", "town": "York", "postcode": "yo1 7hh"},
    "professional-status": {"qts_status": "awarded", "trn": "1234567", "qts_year": "2016"},
    "qualifications": {
        "items-0-name": "PGCE",
        "items-0-subject": "Primary education",
        "items-0-institution": "University of York",
        "items-0-year": "2016",
    },
    "employment-history": {
        "items-0-job_title": "Class teacher",
        "items-0-employer": "Hillside Primary School",
        "items-0-start": "09/2016",
        "items-0-end": "",
    },
    "referees": {
        "items-0-name": "Sam Jones",
        "items-0-job_title": "Headteacher",
        "items-0-organisation": "Hillside Primary School",
        "items-0-email": "head@hillside.example.org",
        "items-0-relationship": "My current headteacher",
        "items-1-name": "Alex Brown",
        "items-1-job_title": "Deputy headteacher",
        "items-1-organisation": "Hillside Primary School",
        "items-1-email": "deputy@hillside.example.org",
        "items-1-relationship": "My line manager",
    },
    "personal-statement": {"text": "I have taught year 5 for eight years and led the school's maths."},
    "interview-support": {"needed": "no", "details": ""},
    "declarations": {"right_to_work": "yes", "safeguarding": "no", "close_relationships": "no"},
}


def listing_answers(title: str, organisation_id: str) -> dict[str, dict]:
    today = time.localtime()
    closing = time.localtime(time.time() + 20 * 86400)
    return {
        "job-details": {
            "organisation_id": organisation_id,
            "title": title,
            "job_roles": ["teacher"],
            "phases": ["primary"],
        },
        "key-stages-and-subjects": {"key_stages": ["ks2"], "subjects": ["Mathematics"]},
        "working-pattern": {"working_patterns": ["full_time"], "contract_type": "permanent"},
        "pay": {"salary": "Main pay range", "salary_minimum": "32,916", "salary_maximum": "45,352"},
        "important-dates": {
            "publish_when": "now",
            "publish_on": [str(today.tm_mday), str(today.tm_mon), str(today.tm_year)],
            "closing_date": [str(closing.tm_mday), str(closing.tm_mon), str(closing.tm_year)],
            "closing_time": "12:00",
        },
        "about-the-role": {
            "about_role": "Teach a year 5 class in a friendly primary school with small classes and a "
            "strong maths curriculum, working closely with the year 6 team.",
            "ect_status": "ect_suitable",
            "visa_sponsorship": "no",
        },
        "documents": {},
        "how-to-apply": {"how_to_apply": "marketplace", "contact_email": f"office@{SCHOOL_DOMAIN}"},
    }


STEP = re.compile(r"/school/vacancies/(\d+)/edit/([a-z-]+)$")


def draft_listing(school: Browser, title: str, organisation_id: str, document: bytes | None = None):
    """Fill in every section of a new listing; returns (vacancy id, the check-your-answers page)."""
    answers = listing_answers(title, organisation_id)
    page = school.get("/school/vacancies/new")
    page = school.submit(page, answers["job-details"])
    for _ in range(20):
        match = STEP.search(page.path)
        if not match:
            break
        vacancy_id, step = match.groups()
        if step == "documents" and document is not None and "cluster-job-description.pdf" not in page.text:
            page = school.submit(
                page,
                action=f"/school/vacancies/{vacancy_id}/documents",
                files={"document": ("cluster-job-description.pdf", document, "application/pdf")},
            )
            assert "cluster-job-description.pdf" in page.text, (
                f"not uploaded ({page.status}): {problem(page)}"
            )
            continue
        data = {**answers.get(step, {}), "seen_checks": "1"}
        page = school.submit(page, data, action=f"/edit/{step}")
        assert page.status == 200, f"section {step} answered {page.status}: {problem(page)}"
        assert not STEP.search(page.path) or STEP.search(page.path).group(2) != step, (
            f"section {step} refused its answers: {problem(page)}"
        )
    assert page.path.endswith("/check-your-answers"), f"the wizard ended at {page.path}: {problem(page)}"
    return int(re.search(r"/vacancies/(\d+)/", page.path).group(1)), page


def problem(page: Response) -> str:
    """The error summary of a page, in a line, for a failure message."""
    found = re.search(r'govuk-error-summary__list">(.*?)</ul>', page.text, re.S)
    text = re.sub(r"<[^>]+>", " ", found.group(1) if found else page.text[:400])
    return " ".join(text.split())[:400]


# Each table of the schema with its number of rows (PostgreSQL builds each count query itself).
ROW_COUNTS = """
SELECT tablename, (xpath('/row/c/text()', query_to_xml(
    format('SELECT count(*) AS c FROM public.%I', tablename), false, true, '')))[1]::text
FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename
"""


def vacancy_status(vacancy_id: int) -> str:
    return psql("SELECT status FROM vacancies WHERE id = :'id'", id=vacancy_id)[0][0]


def found_by_search(browser: Browser, keyword: str, vacancy_id: int) -> bool:
    page = browser.get(f"/jobs?keyword={urllib.parse.quote(keyword)}")
    return page.status == 200 and f'href="/jobs/{vacancy_id}"' in page.text


def seen_within(browser: Browser, keyword: str, vacancy_id: int, present: bool, limit: float) -> float | None:
    """Seconds until `browser`'s node shows (or stops showing) the listing in search; None past `limit`."""
    started = time.monotonic()
    while True:
        elapsed = time.monotonic() - started
        if found_by_search(browser, keyword, vacancy_id) == present:
            return elapsed
        if elapsed > limit:
            return None
        time.sleep(0.05)


def percentile(values: list[float], rank: float) -> float:
    """Nearest-rank percentile (of a few samples, p99 is the largest)."""
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, -(-len(ordered) * rank // 100) - 1))]


def unique_word() -> str:
    # A made-up word that stems to itself, so only the listing that carries it matches it.
    return "zq" + "".join(random.choice("bcdfghjklmnpqrstvwxz") for _ in range(8))  # noqa: S311


class Run:
    def __init__(self, cluster: Cluster) -> None:
        self.c = cluster
        self.moderator_email = "moderator@marketplace.example.org"
        self.school_email = f"head@{SCHOOL_DOMAIN}"
        self.jobseeker_email = "teacher@example.org"
        self.organisation_id = ""
        self.school: Browser | None = None
        self.moderator: Browser | None = None
        self.lags: list[float | None] = []
        self.publish_times: list[float] = []
        self.outage_started: float | None = None
        self.outage_emails: list[str] = []

    # Accounts and the school, as an operator creates them

    def accounts(self) -> None:
        register = WORK / "edubasealldata.csv"
        script = (
            "import csv, json, sys\n"
            "from marketplace.organisations.register import ENCODING, ESTABLISHMENTS_HEADER\n"
            "row = json.loads(sys.argv[2])\n"
            "with open(sys.argv[1], 'w', encoding=ENCODING, newline='') as handle:\n"
            "    writer = csv.writer(handle, quoting=csv.QUOTE_ALL)\n"
            "    writer.writerow(ESTABLISHMENTS_HEADER)\n"
            "    writer.writerow([row.get(column, '') for column in ESTABLISHMENTS_HEADER])\n"
        )
        made = run(
            [str(VENV / "bin" / "python"), "-c", script, str(register), json.dumps(REGISTER_ROW)], self.c.env
        )
        assert made.returncode == 0, made.stderr
        imported = self.c.marketplace("schools", "import", str(register))
        check(
            "marketplace schools import loads the school",
            imported.returncode == 0,
            imported.stdout.strip()[-200:],
        )
        for role, email in (
            ("moderator", self.moderator_email),
            ("hiring_staff", self.school_email),
            ("jobseeker", self.jobseeker_email),
        ):
            name = JOBSEEKER_NAME if role == "jobseeker" else email.split("@")[0]
            created = self.c.marketplace(
                "users", "create", "--role", role, "--name", name, "--password", PASSWORD, email
            )
            check(
                f"marketplace users create --role {role}",
                created.returncode == 0,
                created.stderr.strip()[-200:],
            )

    # The journey through nginx

    def journey(self) -> None:
        c = self.c
        school = self.school = c.public("school")
        school.sign_in(self.school_email)
        found = school.get("/school/find-your-school?q=Kirkstall")
        match = re.search(r'href="/school/find-your-school/(\d+)"', found.text)
        assert match, "the school user cannot find the school"
        self.organisation_id = match.group(1)
        joined = school.submit(school.get(f"/school/find-your-school/{self.organisation_id}"))
        check(
            "a school's staff member joins the school from an address on its domain",
            "You are now the administrator" in joined.text or "already a member" in joined.text,
            problem(joined) if joined.status != 200 else "",
        )

        document = pdf_bytes("Job description: Year 5 class teacher at Kirkstall Valley Primary School")
        self.document = document
        word = unique_word()
        vacancy_id, answers = draft_listing(school, f"Year 5 teacher {word}", self.organisation_id, document)
        submitted = school.submit(answers, action="/check-your-answers")
        status = vacancy_status(vacancy_id)
        check("the school submits its first listing (sent for review)", status == "pending_review", status)

        moderator = self.moderator = c.public("moderator")
        moderator.sign_in(self.moderator_email)
        review = moderator.get(f"/moderation/vacancies/{vacancy_id}")
        moderator.submit(review, action=f"/moderation/vacancies/{vacancy_id}/approve")
        check("the moderator approves it and it is published", vacancy_status(vacancy_id) == "published")
        del submitted

        listing = c.public("jobseeker-look").get(f"/jobs/{vacancy_id}")
        doc_match = re.search(rf'href="(/jobs/{vacancy_id}/documents/\d+)"', listing.text)
        check("the listing's page links its document", bool(doc_match), f"status {listing.status}")
        self.vacancy_id, self.word = vacancy_id, word
        self.document_path = doc_match.group(1) if doc_match else ""

        jobseeker = c.public("jobseeker", source="127.0.0.1")
        jobseeker.sign_in(self.jobseeker_email)
        jobseeker.get(f"/jobs/{vacancy_id}/apply")  # the task list
        for slug, answers in APPLICATION.items():
            page = jobseeker.get(f"/jobs/{vacancy_id}/apply/{slug}")
            saved = jobseeker.submit(page, answers, follow=False)
            assert saved.status in (302, 303), f"application section {slug}: {saved.status} {problem(saved)}"
        page = jobseeker.get(f"/jobs/{vacancy_id}/apply/check-your-answers")
        sent = jobseeker.submit(page)
        rows = psql(
            "SELECT a.status FROM applications a JOIN users u ON u.id = a.jobseeker_id "
            "WHERE a.vacancy_id = :'vacancy' AND u.email = :'email'",
            vacancy=vacancy_id,
            email=self.jobseeker_email,
        )
        check(
            "the jobseeker applies and the application is submitted",
            rows == [["submitted"]],
            f"{rows} at {sent.path}: {problem(sent)}" if rows != [["submitted"]] else "",
        )
        inbox = school.get(f"/school/vacancies/{vacancy_id}/applications")
        check("the school sees the application", JOBSEEKER_NAME in inbox.text, f"status {inbox.status}")

    # Each node serves the document

    def documents_on_every_node(self) -> None:
        for index in range(2):
            response = self.c.direct(index).get(self.document_path) if self.document_path else None
            ok = response is not None and response.status == 200 and response.body == self.document
            check(
                f"{self.c.node_name(index)} serves the uploaded document (asked directly)",
                ok,
                "" if ok else f"answered {response.status if response else 'nothing'}",
                DOCUMENT_FEATURE,
            )

    # Replica lag

    def replica_lag(self, samples: int = 6) -> None:
        """Publish through one node, then time how long the other node's search takes to show it."""
        for number in range(samples):
            writer_index, reader_index = number % 2, (number + 1) % 2
            writer = self.school.at(self.c.node_ports[writer_index], node=True)
            word = unique_word()
            vacancy_id, answers = draft_listing(writer, f"Year 4 teacher {word}", self.organisation_id)
            began = time.monotonic()
            writer.submit(answers, action="/check-your-answers", follow=False)
            self.publish_times.append(time.monotonic() - began)
            if vacancy_status(vacancy_id) != "published":
                check("a trusted school's listing publishes at once", False, vacancy_status(vacancy_id))
                return
            own = found_by_search(self.c.direct(writer_index), word, vacancy_id)
            lag = seen_within(self.c.direct(reader_index), word, vacancy_id, True, LAG_WAIT)
            self.lags.append(lag)
            if number == 0:
                check("the node that published a listing finds it at once", own)
                self.lag_word, self.lag_vacancy = word, vacancy_id
        seen = [lag for lag in self.lags if lag is not None]
        figures["replica lag"] = (
            f"p50 {statistics.median(seen):.2f} s, p99 {percentile(seen, 99):.2f} s over {len(seen)} of "
            f"{len(self.lags)} listings published through the other node"
            if seen
            else "none seen"
        ) + (
            f"; {len(self.lags) - len(seen)} not seen within {LAG_WAIT:g} s"
            if len(seen) < len(self.lags)
            else ""
        )
        check(
            f"a listing published through one node is searchable on the other within {LAG_TARGET:g} s",
            len(seen) == len(self.lags) and max(seen) <= LAG_TARGET,
            figures["replica lag"],
            FOLLOWER_FEATURE,
        )

    def moderator_removes(self) -> None:
        """The moderator removes the first listing through node 1; node 2's search must drop it."""
        # The other node must show the listing first, or its being gone there would prove nothing.
        self.c.sync_node(1)
        assert found_by_search(self.c.direct(1), self.word, self.vacancy_id), (
            "node2 does not show the listing"
        )
        moderator = self.moderator.at(self.c.node_ports[0], node=True)
        review = moderator.get(f"/moderation/vacancies/{self.vacancy_id}")
        form_data = {}
        form = review.form(f"/moderation/vacancies/{self.vacancy_id}/remove")
        names = {name for name, _ in form["fields"]}
        for name in ("reason", "reasons", "note", "explanation"):
            form_data[name] = "The school asked us to take this listing down: the post has been filled."
        form_data = {k: v for k, v in form_data.items() if k in names} or {
            "reason": "The school asked us to take this listing down: the post has been filled."
        }
        moderator.submit(review, form_data, action=f"/moderation/vacancies/{self.vacancy_id}/remove")
        status = vacancy_status(self.vacancy_id)
        check("the moderator removes the listing", status == "removed", status)
        gone_here = not found_by_search(self.c.direct(0), self.word, self.vacancy_id)
        check("the removed listing is gone from the search of the node that removed it", gone_here)
        lag = seen_within(self.c.direct(1), self.word, self.vacancy_id, False, LAG_WAIT)
        check(
            f"the removed listing is gone from the other node's search within {LAG_TARGET:g} s",
            lag is not None and lag <= LAG_TARGET,
            f"{lag:.2f} s" if lag is not None else f"still found after {LAG_WAIT:g} s",
            FOLLOWER_FEATURE,
        )
        # Search pages load their rows from the database, which hides a removed listing at once; the
        # other node's replica itself must drop it too (its totals and facets count what it holds).
        lag = self.replica_caught_up(1, LAG_WAIT)
        check(
            f"the other node's index replica applies the removal within {LAG_TARGET:g} s",
            lag is not None and lag <= LAG_TARGET,
            f"{lag:.2f} s" if lag is not None else f"changes still pending after {LAG_WAIT:g} s",
            FOLLOWER_FEATURE,
        )
        page = self.c.public("after-removal").get(f"/jobs/{self.vacancy_id}")
        check(
            "the removed listing's page is no longer public",
            page.status in (404, 410),
            f"status {page.status}",
        )

    def replica_caught_up(self, index: int, limit: float) -> float | None:
        """Seconds until the node's /healthz reports no pending changes; None past `limit`."""
        started = time.monotonic()
        while time.monotonic() - started <= limit:
            if self.c.direct(index).get("/healthz").json()["search_index"].get("pending_changes") == 0:
                return time.monotonic() - started
            time.sleep(0.05)
        return None

    # Rate limits per real client

    def rate_limits(self) -> None:
        first = self.c.public("client-127.0.0.2", source="127.0.0.2")
        statuses = []
        for _ in range(API_LIMIT * 2 + 1):
            statuses.append(first.get("/api/v1/vacancies").status)
            if statuses[-1] == 429:
                break
        allowed = statuses.count(200)
        # Shared counters (Redis): the limit holds across both nodes' workers. Per-process counters would
        # let 4 x the limit through; a window boundary crossed mid-way, at most 2 x.
        check(
            f"127.0.0.2 is limited after its {API_LIMIT} API requests a minute, counted across both nodes",
            429 in statuses and allowed <= API_LIMIT * 2,
            f"{allowed} answered before the first 429" if 429 in statuses else f"no 429 in {len(statuses)}",
        )
        second = self.c.public("client-127.0.0.3", source="127.0.0.3")
        status = second.get("/api/v1/vacancies").status
        check("127.0.0.3 is not limited by 127.0.0.2's requests", status == 200, f"status {status}")
        spoofer = self.c.public("client-127.0.0.4", source="127.0.0.4")
        status = spoofer.get("/api/v1/vacancies", headers={"X-Forwarded-For": "127.0.0.3"}).status
        status_limited = (
            self.c.public("client-127.0.0.2-spoofing", source="127.0.0.2")
            .get("/api/v1/vacancies", headers={"X-Forwarded-For": "127.0.0.9"})
            .status
        )
        check(
            "a client cannot choose its address by sending X-Forwarded-For itself",
            status == 200 and status_limited == 429,
            f"127.0.0.4 claiming 127.0.0.3: {status}; 127.0.0.2 claiming 127.0.0.9: {status_limited}",
        )

    # Redis down

    def redis_outage(self) -> None:
        processes.stop("redis")
        visitor = self.c.public("during-redis-outage", source="127.0.0.5")
        statuses = {}
        for path in ("/", "/jobs?keyword=teacher", "/api/v1/vacancies", "/sign-in"):
            statuses[path] = visitor.get(path).status
        page = visitor.get("/sign-in")
        attempt = visitor.submit(page, {"email": "nobody@example.org", "password": "not-the-password"})
        statuses["POST /sign-in"] = attempt.status
        check(
            "with Redis stopped, pages, the API and a sign-in attempt answer without a 5xx",
            all(s < 500 for s in statuses.values()),
            ", ".join(f"{k} {v}" for k, v in statuses.items()),
        )
        reports = []
        for index in range(2):
            health = self.c.direct(index).get("/healthz")
            reports.append((health.status, health.json()))
        check(
            "with Redis stopped, each node's /healthz says rate_limits unreachable (status degraded, 200)",
            all(
                s == 200 and h["rate_limits"] == "unreachable" and h["status"] == "degraded"
                for s, h in reports
            ),
            "; ".join(f"{s} {h['status']}/{h['rate_limits']}" for s, h in reports),
        )
        self.c.start_redis()
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            states = [self.c.direct(i).get("/healthz").json()["rate_limits"] for i in range(2)]
            if states == ["ok", "ok"]:
                break
            time.sleep(0.5)
        check(
            "Redis restarted: each node's /healthz says rate_limits ok again",
            states == ["ok", "ok"],
            str(states),
        )

    # SMTP outage

    def smtp_outage_begins(self, count: int = 4) -> None:
        """Stop the sink, make emails (registrations), and wait until the worker has failed to send them."""
        self.drain_outbox(60)
        processes.stop("smtp-sink")
        visitor = self.c.public("registrations", source="127.0.0.6")
        for number in range(count):
            email = f"new-teacher-{number}@example.org"
            visitor.cookies.clear()
            page = visitor.get("/register")
            done = visitor.submit(
                page,
                {
                    "account_type": "jobseeker",
                    "full_name": f"New Teacher {number}",
                    "email": email,
                    "password": PASSWORD,
                },
            )
            assert done.path.startswith("/register/check-your-email"), f"registration: {problem(done)}"
            self.outage_emails.append(email)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            tried = psql(
                "SELECT count(*) FROM outbox_messages WHERE recipient LIKE 'new-teacher-%@example.org' "
                "AND attempts >= 1 AND status = 'pending' AND last_error IS NOT NULL"
            )[0][0]
            if int(tried) == count:
                break
            time.sleep(0.5)
        check(
            f"with the SMTP server down, the worker tries the {count} new emails and keeps them for later",
            int(tried) == count,
            f"{tried} of {count} tried and kept",
        )
        self.outage_started = time.monotonic()
        self.c.start_sink()
        say("SMTP sink back; the worker retries on its own schedule (2 minutes after a failure)")

    def drain_outbox(self, seconds: float) -> list[list[str]]:
        deadline = time.monotonic() + seconds
        while True:
            waiting = psql("SELECT id, status FROM outbox_messages WHERE status IN ('pending', 'sending')")
            if not waiting or time.monotonic() > deadline:
                return waiting
            time.sleep(1)

    def emails_exactly_once(self) -> None:
        left = max(0.0, 170 - (time.monotonic() - (self.outage_started or time.monotonic())))
        say(f"waiting up to {left:.0f} s for the outbox to drain")
        waiting = self.drain_outbox(left)
        rows = psql("SELECT id, status, attempts FROM outbox_messages ORDER BY id")
        received: dict[int, int] = {}
        for line in self.c.mail_log.read_text().splitlines():
            match = re.search(r"\.outbox-(\d+)@", json.loads(line)["message_id"])
            if match:
                received[int(match.group(1))] = received.get(int(match.group(1)), 0) + 1
        sent = [int(r[0]) for r in rows if r[1] == "sent"]
        lost = [int(r[0]) for r in rows if r[1] != "sent" or int(r[0]) not in received]
        duplicated = [i for i, n in received.items() if n > 1]
        retried = [int(r[0]) for r in rows if r[1] == "sent" and int(r[2]) > 1]
        figures["emails"] = (
            f"{len(rows)} queued, {len(sent)} sent, {len(received)} received, {len(lost)} lost, "
            f"{len(duplicated)} duplicated, {len(retried)} delivered after a failed attempt"
        )
        check(
            "every email is delivered exactly once across the SMTP outage",
            rows and not waiting and not lost and not duplicated and len(received) == len(rows),
            figures["emails"],
        )
        check(
            "the emails made during the outage were delivered by a retry",
            len(retried) >= len(self.outage_emails),
        )

    # kill -9 of a node mid-publish

    def kill_mid_publish(self, fractions: tuple[float, ...] = (0.1, 0.4, 0.7, 0.95)) -> None:
        """Kill node1 at points spread over a publish's usual duration (measured in replica_lag)."""
        usual = statistics.median(self.publish_times) if self.publish_times else 0.1
        figures["a publish, through a node"] = f"{usual * 1000:.0f} ms (median)"
        outcomes = []
        for number, fraction in enumerate(fractions):
            delay = usual * fraction
            writer = self.school.at(self.c.node_ports[0], node=True)
            word = unique_word()
            vacancy_id, answers = draft_listing(writer, f"Year 3 teacher {word}", self.organisation_id)
            writer.record = False  # this request races the kill on purpose
            outcome: dict = {}

            def publish(writer=writer, answers=answers, outcome=outcome) -> None:
                try:
                    outcome["status"] = writer.submit(
                        answers, action="/check-your-answers", follow=False
                    ).status
                except (OSError, http.client.HTTPException) as error:
                    outcome["error"] = type(error).__name__

            thread = threading.Thread(target=publish)
            thread.start()
            time.sleep(delay)
            processes.stop(self.c.node_name(0), signal.SIGKILL)
            thread.join(30)
            status = vacancy_status(vacancy_id)
            if outcome.get("status") in (302, 303):
                verdict = "answered" if status == "published" else f"answered but {status}: LOST"
            elif status == "published":
                verdict = "failed, yet committed"
            else:
                retry = self.school.at(self.c.nginx_port, node=False)
                page = retry.get(f"/school/vacancies/{vacancy_id}/check-your-answers")
                retry.submit(page, action="/check-your-answers")
                status = vacancy_status(vacancy_id)
                verdict = "failed, retried through nginx" + ("" if status == "published" else f": {status}")
            self.c.start_node(0)  # as systemd's Restart=on-failure would, ExecStartPre sync first
            findable = found_by_search(self.c.direct(0), word, vacancy_id)
            answer = outcome.get("status") or outcome.get("error")
            outcomes.append(
                f"kill after {delay * 1000:.0f} ms: {answer}, {verdict}"
                + ("" if findable else ", NOT FOUND by search on the restarted node")
            )
            ok = status == "published" and findable
            check(f"kill -9 of node1 mid-publish #{number + 1} loses nothing", ok, outcomes[-1])
        figures["kill -9 mid-publish"] = "; ".join(outcomes)

    # The timers' commands, and every replica matching the database

    def timers(self) -> None:
        for name in (
            "marketplace-alerts-daily.service",
            "marketplace-alerts-weekly.service",
            "marketplace-retention.service",
            "marketplace-search-sync.service",
        ):
            unit = Unit(name)
            env = unit.environment(self.c.env)
            cwd = unit.directory() if "WorkingDirectory" in unit.values else STATE
            (command,) = unit.commands("ExecStart")
            done = run(command, env, cwd=cwd)
            check(
                f"{name}'s command runs",
                done.returncode == 0,
                (done.stdout + done.stderr).strip().splitlines()[-1][:200]
                if (done.stdout + done.stderr).strip()
                else "",
            )
        for index in range(2):
            env = {**self.c.env, "MARKETPLACE_INSTANCE_PATH": str(self.c.instance(index))}
            done = run(
                [str(VENV / "bin" / "marketplace"), "search", "verify"], env, cwd=self.c.instance(index)
            )
            check(
                f"{self.c.node_name(index)}'s index replica matches the database after the sync timer",
                done.returncode == 0,
                (done.stdout + done.stderr).strip().replace("\n", " ")[:300],
            )

    def static_and_redirect(self) -> None:
        static = self.c.public("static").get("/static/dist/marketplace.css")
        cache = static.headers.get("Cache-Control", "")
        check(
            "nginx serves the stylesheet from the wheel's share folder, cached for a day",
            static.status == 200 and "max-age=86400" in cache and "X-Request-ID" not in static.headers,
            f"{static.status}, Cache-Control: {cache}",
        )
        plain = Browser("plain-http", self.c.redirect_port)
        response = plain.get("/jobs?keyword=maths", follow=False)
        check(
            "plain http redirects to https",
            response.status == 301
            and response.headers.get("Location") == f"https://{HOST}/jobs?keyword=maths",
            f"{response.status} {response.headers.get('Location')}",
        )

    def final_health(self) -> None:
        """After the sync timer and the outbox drained: every node serves, with Redis, the database and an
        empty outbox. Its pending_changes is a figure, not a check: a transaction that a kill -9 rolled back
        leaves a gap in the change log's ids, and a replica's position moves past a gap only once the change
        after it is 5 minutes old (search/changes.py, IN_FLIGHT_GRACE); `search verify` above is the check."""
        pending = []
        for index in range(2):
            health = self.c.direct(index).get("/healthz")
            report = health.json()
            check(
                f"{self.c.node_name(index)}'s /healthz at the end: database, rate limits and outbox ok",
                health.status == 200
                and report["database"] == "ok"
                and report["rate_limits"] == "ok"
                and report["outbox"] == {"pending": 0, "dead": 0}
                and report["search_index"].get("state") == "ok",
                health.text.strip()[:300],
            )
            pending.append(f"{self.c.node_name(index)} {report['search_index'].get('pending_changes')}")
        figures["pending changes at the end (see final_health)"] = ", ".join(pending)
        health = self.c.public("health").get("/healthz")
        check("/healthz through nginx answers 200", health.status == 200, health.text.strip()[:300])

    def backup_and_restore(self) -> None:
        """The README's backup: pg_dump -Fc of the database, restored into a new one, holds every row."""
        dump, copy = WORK / "marketplace.dump", f"{DATABASE}_restore"
        connection = ["-h", "127.0.0.1", "-U", "postgres"]
        dumped = run(["pg_dump", *connection, "-Fc", "-f", str(dump), DATABASE], self.c.env)
        assert dumped.returncode == 0, dumped.stderr
        psql(f'CREATE DATABASE "{copy}"', database="postgres")
        restored = run(["pg_restore", *connection, "--no-owner", "-d", copy, str(dump)], self.c.env)
        original, copied = psql(ROW_COUNTS), psql(ROW_COUNTS, database=copy)
        rows = sum(int(n) for _, n in original)
        figures["backup"] = f"{len(original)} tables, {rows} rows, a {dump.stat().st_size // 1024} KiB dump"
        check(
            "a pg_dump of the database restores into a new one with every row",
            restored.returncode == 0 and original == copied,
            figures["backup"] if original == copied else restored.stderr.strip()[:300],
        )

    def no_server_errors(self) -> None:
        errors = [r for r in responses if r[3] >= 500]
        check(
            "no request answered 5xx (outside the deliberate kills)",
            not errors,
            f"{len(responses)} requests"
            if not errors
            else "; ".join(f"{w} {m} {p} {s}" for w, m, p, s in errors[:5]),
        )


def main() -> int:
    LOGS.mkdir(parents=True, exist_ok=True)
    STATE.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    cluster = Cluster()
    try:
        migrated = cluster.marketplace("db", "upgrade")
        assert migrated.returncode == 0, migrated.stderr
        cluster.start_redis()
        cluster.start_sink()
        for index in range(2):
            cluster.start_node(index)
        cluster.start_worker()
        cluster.start_nginx()
        say(
            f"nginx on 127.0.0.1:{cluster.nginx_port} (http→https on {cluster.redirect_port}), nodes on "
            f"{cluster.node_ports}, Redis {cluster.redis_port}, SMTP sink {cluster.smtp_port}; "
            f"up in {time.monotonic() - started:.0f} s"
        )
        steps = Run(cluster)
        steps.accounts()
        steps.journey()
        steps.smtp_outage_begins()
        steps.documents_on_every_node()
        steps.replica_lag()
        steps.moderator_removes()
        steps.rate_limits()
        steps.redis_outage()
        steps.kill_mid_publish()
        steps.static_and_redirect()
        steps.timers()
        steps.emails_exactly_once()
        steps.final_health()
        steps.backup_and_restore()
        steps.no_server_errors()
    except (AssertionError, OSError, subprocess.SubprocessError, KeyError, ValueError) as error:
        check("the run completed", False, f"{type(error).__name__}: {error}")
    finally:
        processes.stop_all()

    print("\nFigures")
    for name, value in figures.items():
        print(f"  {name}: {value}")
    failed = [r for r in results if not r.passed]
    waiting = [r for r in failed if r.needs]
    if waiting:
        print("\nFailing because a feature is not in this build yet:")
        for result in waiting:
            print(f"  {result.name}  [{result.needs}]")
    print(f"\ncluster: {time.monotonic() - started:.0f} s of checks")
    print(f"{len(results) - len(failed)} passed, {len(failed)} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
