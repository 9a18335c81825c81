"""The nginx site for production, rendered from `deploy/nginx/hulpbot.conf.j2`.

Routing, body caps, rate limits and timeouts live in that template; only what differs between
a server and a test is filled in here: host names, where nginx listens, TLS certificates and
where our processes listen. tests/e2e/test_proxy.py runs nginx on the same template, so what
the test proves is what production gets.
"""

from __future__ import annotations

import ipaddress
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO
from urllib.parse import urlsplit

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from bot.settings import PROJECT_ROOT, Settings

TEMPLATE = PROJECT_ROOT / "deploy" / "nginx" / "hulpbot.conf.j2"
# Where certbot keeps each host's certificate; the rendered file says to change it if yours
# live elsewhere.
CERTIFICATES = Path("/etc/letsencrypt/live")
# The port-80 server answers ACME http-01 challenges from here, so certificates renew without
# stopping nginx.
ACME_ROOT = "/var/www/letsencrypt"
HOST_NAME = re.compile(
    r"^(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$"
)
# A value nginx reads as one token: no spaces, quotes, `;`, braces, `#` or `$`.
TOKEN = re.compile(r"^[^\s;{}#$'\"\\]+$")


class DeployError(ValueError):
    """The proxy cannot be configured with these values; the message says what to change."""


@dataclass(frozen=True)
class Certificate:
    chain: str
    key: str


@dataclass(frozen=True)
class Site:
    """One public host name; without a certificate it is served over plain http (tests)."""

    name: str
    certificate: Certificate | None = None


@dataclass(frozen=True)
class Upstreams:
    """host:port of each of our processes that nginx may reach. The action server is absent
    on purpose: nothing outside this machine ever talks to it."""

    rasa: str
    web: str
    dashboard: str


@dataclass(frozen=True)
class ProxyConfig:
    residents: Site
    dashboard: Site
    upstreams: Upstreams
    # nginx `listen` addresses of the two sites, e.g. ("443", "[::]:443") or ("127.0.0.1:8080",).
    listen: tuple[str, ...]
    # Plain http addresses that only redirect to https and answer ACME challenges (TLS only).
    redirect_listen: tuple[str, ...] = ()
    acme_root: str = ACME_ROOT

    def __post_init__(self) -> None:
        for site in (self.residents, self.dashboard):
            if not HOST_NAME.match(site.name):
                raise DeployError(f"{site.name!r} is not a host name")
        if self.residents.name == self.dashboard.name:
            raise DeployError("the residents' site and the dashboard need different host names")
        if (self.residents.certificate is None) != (self.dashboard.certificate is None):
            raise DeployError("both sites use TLS, or neither does")
        if self.redirect_listen and not self.tls:
            raise DeployError("a redirect to https needs TLS")
        if not self.listen:
            raise DeployError("nginx must listen somewhere")
        certificates = [s.certificate for s in (self.residents, self.dashboard) if s.certificate]
        tokens = [
            *self.listen,
            *self.redirect_listen,
            self.acme_root,
            *(path for c in certificates for path in (c.chain, c.key)),
            *(self.upstreams.rasa, self.upstreams.web, self.upstreams.dashboard),
        ]
        for token in tokens:
            if not TOKEN.match(token):
                raise DeployError(f"{token!r} cannot go into an nginx configuration")

    @property
    def tls(self) -> bool:
        return self.residents.certificate is not None


def render_nginx(config: ProxyConfig, template: Path = TEMPLATE) -> str:
    """The nginx site (http-level directives: zones, upstreams and servers) for `config`."""
    environment = Environment(
        loader=FileSystemLoader(template.parent),
        undefined=StrictUndefined,
        autoescape=False,  # nginx configuration, not HTML; every value is checked above
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    return environment.get_template(template.name).render(config=config, tls=config.tls)


def production_config(settings: Settings, certificates: Path = CERTIFICATES) -> ProxyConfig:
    """HTTPS on ports 443 and 80 for the public addresses in the settings, in front of our
    processes where the settings say they listen."""
    residents = _public_host("HULPBOT_WEB_PUBLIC_URL", settings.web_public_url)
    dashboard = _public_host("HULPBOT_DASHBOARD_PUBLIC_URL", settings.dashboard_public_url)
    return ProxyConfig(
        residents=Site(residents, _certificate(certificates, residents)),
        dashboard=Site(dashboard, _certificate(certificates, dashboard)),
        upstreams=Upstreams(
            rasa=_upstream(settings.rasa_host, settings.rasa_port),
            web=_upstream(settings.web_host, settings.web_port),
            dashboard=_upstream(settings.dashboard_host, settings.dashboard_port),
        ),
        listen=("443", "[::]:443"),
        redirect_listen=("80", "[::]:80"),
    )


def print_nginx_config(settings: Settings, out: TextIO = sys.stdout) -> int:
    """`bot nginx-config`: the site for /etc/nginx/sites-available/, or what to set first."""
    try:
        text = render_nginx(production_config(settings))
    except DeployError as exc:
        print(f"No nginx configuration: {exc}.", file=sys.stderr)
        return 1
    out.write(text)
    return 0


def _public_host(variable: str, url: str) -> str:
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if parts.scheme != "https" or not host or host == "localhost" or _is_ip(host):
        raise DeployError(
            f"set {variable} to the https address people use, e.g. https://hulpbot.mechelen.be "
            f"(now {url!r})"
        )
    if parts.path not in ("", "/") or parts.port not in (None, 443):
        raise DeployError(f"{variable} must be a host on port 443 without a path (now {url!r})")
    return host


def _certificate(directory: Path, host: str) -> Certificate:
    return Certificate(
        str(directory / host / "fullchain.pem"), str(directory / host / "privkey.pem")
    )


def _upstream(host: str, port: int) -> str:
    """Where nginx finds a process that listens on `host`: this machine for a wildcard."""
    if host in ("", "0.0.0.0", "::"):
        host = "127.0.0.1"
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True
