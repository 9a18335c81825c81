"""Debian's nginx with the shipped site (deploy/nginx/hulpbot.conf.j2) in front of our processes.

Only the listen address, the upstream addresses and TLS differ from production. The upstreams
are small local servers, one per process (Rasa, action server, web app, dashboard), that record
every request reaching them: what is under test is which request reaches which process. Every
test speaks from its own loopback address (127.0.1.x), so each is its own client for the rate
limits.
"""

from __future__ import annotations

import http.client
import ipaddress
import itertools
import os
import socket
import ssl
import subprocess
import threading
import time
import uuid
from collections.abc import Iterable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from aiohttp import web
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from bot.deploy import Certificate, ProxyConfig, Site, Upstreams, production_config, render_nginx
from bot.servers import free_port
from bot.settings import Settings
from tests.fakes.server import serve_aiohttp

NGINX = Path("/usr/sbin/nginx")
RESIDENTS = "hulpbot.mechelen.test"
DASHBOARD = "personeel.hulpbot.mechelen.test"
BERICHT_CAP = 16 * 1024
WEBHOOK_CAP = 64 * 1024
DASHBOARD_CAP = 64 * 1024

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(
        not NGINX.exists(), reason="needs Debian's nginx: apt-get install nginx (.ci/run does)"
    ),
]

RASA_API = [
    ("GET", "/status"),
    ("GET", "/version"),
    ("GET", "/domain"),
    ("GET", "/model"),
    ("PUT", "/model"),
    ("DELETE", "/model"),
    ("POST", "/model/parse"),
    ("POST", "/model/train"),
    ("GET", "/conversations/x/tracker"),
    ("GET", "/conversations/sms:abc/tracker?include_events=ALL"),
    ("POST", "/conversations/x/tracker/events"),
    ("POST", "/conversations/x/trigger_intent"),
    ("POST", "/webhooks/rest/webhook"),
    ("POST", "/webhooks/web/webhook"),
    ("GET", "/webhooks/rest"),
    # The webhooks' paths spelled so they lead elsewhere, or nearly right.
    ("POST", "/webhooks/telegram/webhook/"),
    ("POST", "/webhooks/telegram/webhook/../../rest/webhook"),
    ("POST", "/webhooks/sms/webhook/..%2F..%2Frest%2Fwebhook"),
    ("POST", "/WEBHOOKS/REST/WEBHOOK"),
    ("GET", "/static/../status"),
    ("GET", "/chat/../model"),
]
ACTION_SERVER = [("POST", "/webhook"), ("GET", "/health"), ("GET", "/actions")]
DASHBOARD_ONLY = [
    ("GET", "/inloggen"),
    ("POST", "/inloggen"),
    ("GET", "/verzoeken"),
    ("GET", "/verzoeken/MB-7K3Q"),
    ("GET", "/accounts"),
    ("GET", "/api/requests"),
    ("GET", "/gezond"),
]
# (method, path sent, upstream, path the upstream sees)
RESIDENT_PATHS = [
    ("POST", "/webhooks/telegram/webhook", "rasa", "/webhooks/telegram/webhook"),
    ("POST", "/webhooks/sms/webhook", "rasa", "/webhooks/sms/webhook"),
    (
        "POST",
        "/webhooks/sms/webhook?provider=twilio",
        "rasa",
        "/webhooks/sms/webhook?provider=twilio",
    ),
    ("POST", "/webhooks//telegram/./webhook", "rasa", "/webhooks/telegram/webhook"),
    ("GET", "/", "web", "/"),
    ("GET", "/chat", "web", "/chat"),
    ("HEAD", "/chat", "web", "/chat"),
    ("GET", "/chat?ingebed=1", "web", "/chat?ingebed=1"),
    ("GET", "/widget.js", "web", "/widget.js"),
    ("GET", "/static/chat.css", "web", "/static/chat.css"),
    ("GET", "/static/icon-woonclub.svg", "web", "/static/icon-woonclub.svg"),
    ("GET", "/delen?code=CAW-Mechelen", "web", "/delen?code=CAW-Mechelen"),
    ("GET", "/delen/logo", "web", "/delen/logo"),
    ("POST", "/api/bericht", "web", "/api/bericht"),
]
DASHBOARD_PATHS = [
    ("GET", "/"),
    ("GET", "/inloggen"),
    ("POST", "/inloggen"),
    ("GET", "/verzoeken?status=nieuw&pagina=2"),
    ("GET", "/verzoeken/MB-7K3Q"),
    ("POST", "/verzoeken/MB-7K3Q/notitie"),
    ("GET", "/api/requests"),
    ("POST", "/api/requests/MB-7K3Q/status"),
    ("GET", "/static/dashboard.css"),
    ("GET", "/export"),
]
WRONG_METHODS = [
    ("GET", "/webhooks/telegram/webhook"),
    ("GET", "/webhooks/sms/webhook"),
    ("PUT", "/webhooks/sms/webhook"),
    ("GET", "/api/bericht"),
    ("DELETE", "/api/bericht"),
    ("POST", "/chat"),
    ("POST", "/delen"),
    ("PUT", "/static/chat.css"),
]


@dataclass(frozen=True)
class Seen:
    """One request as it reached one of our processes."""

    upstream: str
    method: str
    path: str
    headers: dict[str, str]
    body_length: int


@dataclass
class Recorders:
    """Stand-ins for our processes; each answers 200 and remembers what reached it."""

    ports: dict[str, int] = field(default_factory=dict)
    seen: list[Seen] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def app(self, name: str) -> web.Application:
        async def record(request: web.Request) -> web.Response:
            body = await request.read()
            with self.lock:
                self.seen.append(
                    Seen(name, request.method, request.raw_path, dict(request.headers), len(body))
                )
            return web.json_response({"upstream": name})

        app = web.Application(client_max_size=1024 * 1024)
        app.router.add_route("*", "/{tail:.*}", record)
        return app

    def find(self, marker: str) -> Seen | None:
        with self.lock:
            return next((s for s in self.seen if s.headers.get("X-Test") == marker), None)

    def reached(self, upstream: str) -> list[Seen]:
        with self.lock:
            return [s for s in self.seen if s.upstream == upstream]

    def count(self) -> int:
        with self.lock:
            return len(self.seen)

    def upstreams(self) -> Upstreams:
        return Upstreams(*(f"127.0.0.1:{self.ports[n]}" for n in ("rasa", "web", "dashboard")))


@contextmanager
def recorders() -> Iterator[Recorders]:
    found = Recorders()
    # The action server's stand-in listens too, though the site may never name it.
    with ExitStack() as stack:
        for name in ("rasa", "actions", "web", "dashboard"):
            found.ports[name] = free_port()
            stack.enter_context(serve_aiohttp(found.app(name), found.ports[name]))
        yield found


def nginx_command(directory: Path, site: str) -> list[str]:
    """nginx in the foreground with everything it writes in `directory`, around `site` as
    Debian's nginx.conf would include it."""
    (directory / "hulpbot.conf").write_text(site, encoding="utf-8")
    # As root the workers would switch to "nobody", which cannot write in a private tmp dir.
    user = "user root;\n" if os.geteuid() == 0 else ""
    (directory / "nginx.conf").write_text(
        f"{user}worker_processes 1;\n"
        "events { worker_connections 256; }\n"
        "http {\n"
        f"    access_log {directory}/access.log;\n"
        + "".join(
            f"    {kind}_temp_path {directory}/{kind};\n"
            for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
        )
        + f"    include {directory}/hulpbot.conf;\n"
        "}\n",
        encoding="utf-8",
    )
    return [
        str(NGINX),
        "-p",
        str(directory),
        "-c",
        str(directory / "nginx.conf"),
        "-e",
        str(directory / "error.log"),
        "-g",
        f"daemon off; pid {directory}/nginx.pid;",
    ]


@contextmanager
def nginx(directory: Path, site: str, ports: Iterable[int]) -> Iterator[None]:
    command = nginx_command(directory, site)
    with (directory / "nginx.out").open("wb") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT)
    try:
        for port in ports:
            _wait_for(process, directory, port)
        yield
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait_for(process: subprocess.Popen[bytes], directory: Path, port: int) -> None:
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        if process.poll() is not None:
            break
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.05)
    logs = "".join(
        p.read_text(errors="replace")
        for p in (directory / "nginx.out", directory / "error.log")
        if p.exists()
    )
    pytest.fail(f"nginx did not listen on port {port}:\n{logs}")


@dataclass(frozen=True)
class Reply:
    status: int
    headers: http.client.HTTPMessage
    seen: Seen | None


@dataclass(frozen=True)
class Client:
    """One client address talking to nginx; `seen` is what reached a process, if anything."""

    port: int
    address: str
    found: Recorders

    def send(
        self,
        method: str,
        path: str,
        host: str = RESIDENTS,
        body: bytes | Iterable[bytes] | None = None,
        headers: dict[str, str] | None = None,
    ) -> Reply:
        marker = uuid.uuid4().hex
        connection = http.client.HTTPConnection(
            "127.0.0.1", self.port, timeout=10, source_address=(self.address, 0)
        )
        try:
            connection.request(
                method,
                path,
                body=body,
                headers={"Host": host, "X-Test": marker, **(headers or {})},
                encode_chunked=body is not None and not isinstance(body, bytes),
            )
            response = connection.getresponse()
            response.read()
        finally:
            connection.close()
        return Reply(response.status, response.headers, self.found.find(marker))


@dataclass(frozen=True)
class Proxy:
    port: int
    found: Recorders
    directory: Path


@pytest.fixture(scope="module")
def proxy(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Proxy]:
    directory = tmp_path_factory.mktemp("nginx")
    port = free_port()
    with recorders() as found:
        config = ProxyConfig(
            residents=Site(RESIDENTS),
            dashboard=Site(DASHBOARD),
            upstreams=found.upstreams(),
            listen=(f"127.0.0.1:{port}",),
        )
        with nginx(directory, render_nginx(config), [port]):
            yield Proxy(port, found, directory)


_addresses = itertools.count(1)


def next_address() -> str:
    return str(ipaddress.ip_address("127.0.1.0") + next(_addresses))


@pytest.fixture
def client(proxy: Proxy) -> Client:
    return Client(proxy.port, next_address(), proxy.found)


@pytest.mark.parametrize(("method", "path"), RASA_API + ACTION_SERVER + DASHBOARD_ONLY)
def test_everything_else_is_unreachable_for_residents(
    client: Client, method: str, path: str
) -> None:
    reply = client.send(method, path, body=b"{}" if method in {"POST", "PUT"} else None)
    assert (reply.status, reply.seen) == (404, None)


@pytest.mark.parametrize(("method", "path"), RASA_API + ACTION_SERVER)
def test_the_dashboard_host_never_reaches_rasa_or_the_action_server(
    client: Client, method: str, path: str
) -> None:
    reply = client.send(method, path, host=DASHBOARD)
    assert reply.seen is not None and reply.seen.upstream == "dashboard"


def test_the_action_server_gets_nothing_at_all(proxy: Proxy) -> None:
    """Neither these requests nor any sent before in this module reached it."""
    client = Client(proxy.port, next_address(), proxy.found)
    for method, path in ACTION_SERVER:
        for host in (RESIDENTS, DASHBOARD):
            client.send(method, path, host=host, body=b"{}" if method == "POST" else None)
    assert proxy.found.reached("actions") == []


@pytest.mark.parametrize(("method", "path", "upstream", "arrives_as"), RESIDENT_PATHS)
def test_the_residents_paths_reach_their_process(
    client: Client, method: str, path: str, upstream: str, arrives_as: str
) -> None:
    reply = client.send(method, path, body=b'{"a": 1}' if method == "POST" else None)
    assert reply.status == 200
    assert reply.seen is not None
    assert (reply.seen.upstream, reply.seen.method, reply.seen.path) == (
        upstream,
        method,
        arrives_as,
    )


@pytest.mark.parametrize(("method", "path"), DASHBOARD_PATHS)
def test_the_dashboard_host_serves_every_dashboard_path(
    client: Client, method: str, path: str
) -> None:
    reply = client.send(method, path, host=DASHBOARD, body=b"a=1" if method == "POST" else None)
    assert reply.status == 200
    assert reply.seen is not None
    assert (reply.seen.upstream, reply.seen.method, reply.seen.path) == ("dashboard", method, path)


@pytest.mark.parametrize(("method", "path"), WRONG_METHODS)
def test_other_methods_are_refused(client: Client, method: str, path: str) -> None:
    reply = client.send(method, path, body=b"{}" if method in {"POST", "PUT"} else None)
    assert (reply.status, reply.seen) == (405, None)


@pytest.mark.parametrize("host", ["example.org", "127.0.0.1", "hulpbot.mechelen.test.evil"])
def test_an_unknown_host_gets_no_answer(proxy: Proxy, client: Client, host: str) -> None:
    before = proxy.found.count()
    with pytest.raises(http.client.RemoteDisconnected):
        client.send("GET", "/chat", host=host)
    assert proxy.found.count() == before


def test_forwarding_headers_are_ours_not_the_clients(client: Client) -> None:
    reply = client.send(
        "POST",
        "/api/bericht",
        body=b"{}",
        headers={
            "X-Forwarded-For": "203.0.113.9",
            "X-Forwarded-Proto": "https",
            "X-Forwarded-Host": "evil.example",
            "X-Real-IP": "203.0.113.9",
            "Forwarded": "for=203.0.113.9;proto=https",
        },
    )
    assert reply.status == 200
    assert reply.seen is not None
    headers = reply.seen.headers
    assert headers["X-Forwarded-For"] == client.address
    assert headers["X-Forwarded-Proto"] == "http"
    assert headers["Host"] == RESIDENTS
    assert not {"X-Forwarded-Host", "X-Real-IP", "Forwarded"} & set(headers)
    assert reply.headers["Server"] == "nginx"  # no version


@pytest.mark.parametrize(
    ("path", "host", "cap"),
    [
        ("/api/bericht", RESIDENTS, BERICHT_CAP),
        ("/webhooks/telegram/webhook", RESIDENTS, WEBHOOK_CAP),
        ("/webhooks/sms/webhook", RESIDENTS, WEBHOOK_CAP),
        ("/verzoeken/MB-7K3Q/notitie", DASHBOARD, DASHBOARD_CAP),
    ],
)
def test_bodies_are_capped(client: Client, path: str, host: str, cap: int) -> None:
    allowed = client.send("POST", path, host=host, body=b"x" * cap)
    assert allowed.status == 200
    assert allowed.seen is not None and allowed.seen.body_length == cap
    too_big = client.send("POST", path, host=host, body=b"x" * (cap + 1))
    assert (too_big.status, too_big.seen) == (413, None)
    # Without a length up front, nginx counts while reading.
    chunked = client.send("POST", path, host=host, body=iter([b"x" * 4096] * (cap // 4096 + 1)))
    assert (chunked.status, chunked.seen) == (413, None)


def test_a_body_on_the_pages_is_capped_too(client: Client) -> None:
    reply = client.send("POST", "/conversations/x/tracker/events", body=b"x" * (BERICHT_CAP + 1))
    assert (reply.status, reply.seen) == (413, None)


@pytest.mark.parametrize(
    ("path", "host", "body", "burst"),
    [
        ("/api/bericht", RESIDENTS, b"{}", 10),
        ("/webhooks/telegram/webhook", RESIDENTS, b"{}", 100),
        ("/webhooks/sms/webhook", RESIDENTS, b"Body=hallo", 100),
        ("/inloggen", DASHBOARD, b"naam=sanne&wachtwoord=x", 30),
    ],
)
def test_a_burst_from_one_client_is_limited(
    proxy: Proxy, client: Client, path: str, host: str, body: bytes, burst: int
) -> None:
    # Until refused: on a slow machine the allowance refills a little while the burst runs.
    statuses: list[int] = []
    while 429 not in statuses and len(statuses) < 3 * burst + 30:
        statuses.append(client.send("POST", path, host=host, body=body).status)
    assert statuses[: burst + 1] == [200] * (burst + 1)
    assert statuses[-1] == 429 and set(statuses) == {200, 429}
    # Another client is not held back.
    other = Client(proxy.port, next_address(), proxy.found)
    assert other.send("POST", path, host=host, body=body).status == 200


def test_reading_the_login_page_is_not_limited(client: Client) -> None:
    assert {client.send("GET", "/inloggen", host=DASHBOARD).status for _ in range(60)} == {200}


def test_logs_stay_in_the_test_directory(proxy: Proxy, client: Client) -> None:
    client.send("GET", "/status")
    assert "GET /status" in (proxy.directory / "access.log").read_text()
    assert (proxy.directory / "error.log").exists()


def self_signed(directory: Path, names: list[str]) -> Certificate:
    """A certificate for `names` that is its own authority, as the clients here trust it."""
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, names[0])])
    now = datetime.now(timezone.utc)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=2))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(n) for n in names]), False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), True)
        .sign(key, hashes.SHA256())
    )
    chain, key_file = directory / "fullchain.pem", directory / "privkey.pem"
    chain.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return Certificate(str(chain), str(key_file))


class PinnedHTTPS(http.client.HTTPSConnection):
    """HTTPS to 127.0.0.1 whatever the host name, which still goes in SNI and is verified."""

    def __init__(self, host: str, port: int, context: ssl.SSLContext) -> None:
        super().__init__(host, port, timeout=10, context=context)
        self.tls_context = context

    def connect(self) -> None:
        sock = socket.create_connection(("127.0.0.1", self.port), self.timeout)
        self.sock = self.tls_context.wrap_socket(sock, server_hostname=self.host)


def test_tls_as_in_production(tmp_path: Path) -> None:
    certificate = self_signed(tmp_path, [RESIDENTS, DASHBOARD])
    https, plain = free_port(), free_port()
    context = ssl.create_default_context(cafile=certificate.chain)
    with recorders() as found:
        config = ProxyConfig(
            residents=Site(RESIDENTS, certificate),
            dashboard=Site(DASHBOARD, certificate),
            upstreams=found.upstreams(),
            listen=(f"127.0.0.1:{https}",),
            redirect_listen=(f"127.0.0.1:{plain}",),
        )
        with nginx(tmp_path, render_nginx(config), [https, plain]):
            for host, upstream in ((RESIDENTS, "web"), (DASHBOARD, "dashboard")):
                connection = PinnedHTTPS(host, https, context)
                connection.request("GET", "/static/chat.css", headers={"X-Test": host})
                response = connection.getresponse()
                response.read()
                connection.close()
                assert response.status == 200
                assert response.headers["Strict-Transport-Security"] == "max-age=31536000"
                seen = found.find(host)
                assert seen is not None and seen.upstream == upstream
                assert seen.headers["X-Forwarded-Proto"] == "https"
            # A name we do not serve: no handshake at all.
            anything = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
            anything.check_hostname, anything.verify_mode = False, ssl.CERT_NONE
            with pytest.raises(ssl.SSLError):
                PinnedHTTPS("example.org", https, anything).connect()
            with pytest.raises(http.client.RemoteDisconnected):
                Client(plain, next_address(), found).send("GET", "/", host="example.org")
            redirect = Client(plain, next_address(), found).send("POST", "/webhooks/sms/webhook")
            assert redirect.status == 301
            assert redirect.headers["Location"] == f"https://{RESIDENTS}/webhooks/sms/webhook"
            assert redirect.seen is None


def test_the_production_rendering_passes_nginx_t(tmp_path: Path) -> None:
    """`bot nginx-config` output (ports 443 and 80, certbot's paths) is valid for nginx."""
    settings = Settings.from_env(
        {
            "HULPBOT_WEB_PUBLIC_URL": f"https://{RESIDENTS}",
            "HULPBOT_DASHBOARD_PUBLIC_URL": f"https://{DASHBOARD}/",
        }
    )
    for name in (RESIDENTS, DASHBOARD):
        (tmp_path / "live" / name).mkdir(parents=True)
        self_signed(tmp_path / "live" / name, [name])
    site = render_nginx(production_config(settings, certificates=tmp_path / "live"))
    assert "listen 443 ssl http2;" in site and "listen 80;" in site
    result = subprocess.run(
        [*nginx_command(tmp_path, site), "-t"], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
