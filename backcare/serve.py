"""``python -m backcare serve [--lan]``: start the web app, on this computer or for a phone over HTTPS.

Without ``--lan`` the app listens on 127.0.0.1 only (plain HTTP never leaves the computer). With
``--lan`` it needs a password first, listens on the computer's network address over HTTPS only
(Streamlit's own TLS: see docs/architecture.md), with a certificate backcare makes and keeps
owner-only (or one the person provides), and prints the address as a QR code with the
certificate's SHA-256 fingerprint to compare on the phone's warning screen.
"""

from __future__ import annotations

import argparse
import contextlib
import getpass
import ipaddress
import os
import socket
import sys
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from backcare import auth, config
from backcare.errors import BackcareError
from backcare.private_files import write_private

CERT_DAYS = 397  # the longest validity phones accept for a server certificate
RENEW_BEFORE = timedelta(days=30)
TLS_FOLDER = "tls"
MAX_SESSION_HOURS = 720
LAN_URL_ENV = "BACKCARE_LAN_URL"
LAN_FINGERPRINT_ENV = "BACKCARE_LAN_FINGERPRINT"


@dataclass(frozen=True)
class ServePlan:
    """Everything `serve` will start: the exact Streamlit command and its environment."""

    db: Path
    address: str
    port: int
    cert: Path | None = None
    key: Path | None = None
    session_hours: float = auth.DEFAULT_SESSION_HOURS
    fingerprint: str = ""

    @property
    def url(self) -> str:
        """The address to open (https whenever a certificate is used)."""
        host = f"[{self.address}]" if ":" in self.address else self.address
        return f"{'https' if self.cert else 'http'}://{host}:{self.port}"

    def command(self) -> list[str]:
        """The `streamlit run` command line (TLS options only with a certificate)."""
        options = {
            "server.address": self.address, "server.port": self.port, "server.headless": "true",
            "browser.serverAddress": self.address, "browser.gatherUsageStats": "false",
            "server.fileWatcherType": "none",
        }  # fmt: skip
        if self.cert and self.key:
            options |= {"server.sslCertFile": str(self.cert), "server.sslKeyFile": str(self.key)}
        app = str(config.PROJECT_ROOT / "app.py")
        return [sys.executable, "-m", "streamlit", "run", app, *(f"--{k}={v}" for k, v in options.items())]

    def environment(self) -> dict[str, str]:
        """Variables the app reads: the diary, how long a login lasts, and (LAN) what Settings shows."""
        env = {config.DB_ENV: str(self.db), auth.SESSION_HOURS_ENV: f"{self.session_hours:g}"}
        if self.cert:
            env |= {LAN_URL_ENV: self.url, LAN_FINGERPRINT_ENV: self.fingerprint}
        return env


def lan_addresses() -> list[str]:
    """This computer's IPv4 addresses on its networks (no loopback); nothing is sent to find them."""
    found: list[str] = []
    with contextlib.suppress(OSError), socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        probe.connect(("192.0.2.1", 9))  # a UDP connect sends no packet: it only picks the interface
        found.append(probe.getsockname()[0])
    with contextlib.suppress(OSError):
        found += [str(info[4][0]) for info in socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET)]
    return [a for a in dict.fromkeys(found) if not ipaddress.ip_address(a).is_loopback]


def _names_and_addresses(address: str) -> tuple[list[str], list[str]]:
    host = socket.gethostname()
    names = list(dict.fromkeys([host, f"{host.split('.')[0]}.local", "localhost"]))
    addresses = list(dict.fromkeys(["127.0.0.1", *lan_addresses(), address]))
    return names, [a for a in addresses if a not in ("0.0.0.0", "::")]


def _covers(cert_path: Path, addresses: list[str], now: datetime) -> bool:
    from cryptography import x509

    try:
        cert = x509.load_pem_x509_certificate(cert_path.read_bytes())
        san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except (OSError, ValueError, x509.ExtensionNotFound):
        return False
    listed = {str(ip) for ip in san.get_values_for_type(x509.IPAddress)}
    return set(addresses) <= listed and cert.not_valid_after_utc - now > RENEW_BEFORE


def ensure_certificate(folder: Path, address: str, now: datetime | None = None) -> tuple[Path, Path]:
    """A self-signed certificate for this computer's names and addresses, kept owner-only in
    ``folder`` (made again when missing, expiring within 30 days or not covering ``address``)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    now = now or datetime.now(UTC)
    cert_path, key_path = folder / "backcare-cert.pem", folder / "backcare-key.pem"
    names, addresses = _names_and_addresses(address)
    if key_path.exists() and _covers(cert_path, addresses, now):
        return cert_path, key_path
    folder.mkdir(parents=True, exist_ok=True)
    folder.chmod(0o700)
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, f"backcare on {names[0]}"[:64])])
    alt_names: list[x509.GeneralName] = [x509.DNSName(n) for n in names]
    alt_names += [x509.IPAddress(ipaddress.ip_address(a)) for a in addresses]
    cert = (
        x509.CertificateBuilder().subject_name(subject).issuer_name(subject).public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(hours=1)).not_valid_after(now + timedelta(days=CERT_DAYS))
        .add_extension(x509.SubjectAlternativeName(alt_names), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .sign(key, hashes.SHA256())
    )  # fmt: skip
    write_private(
        key_path,
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        ),
    )
    write_private(cert_path, cert.public_bytes(serialization.Encoding.PEM))
    return cert_path, key_path


def certificate_fingerprint(cert_path: Path, key_path: Path | None = None) -> str:
    """The certificate's SHA-256 fingerprint (AB:CD:...), as phones show it; checks the key matches."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization

    try:
        cert = x509.load_pem_x509_certificate(cert_path.read_bytes())
        if key_path is not None:
            key = serialization.load_pem_private_key(key_path.read_bytes(), password=None)
            if key.public_key() != cert.public_key():
                raise BackcareError(
                    f"The key {key_path.name} does not belong to the certificate {cert_path.name}."
                )
    except OSError as exc:
        raise BackcareError(f"Cannot read {exc.filename}: {exc.strerror}.") from None
    except (ValueError, TypeError) as exc:
        raise BackcareError(f"Not a PEM certificate and unencrypted key: {exc}") from None
    return cert.fingerprint(hashes.SHA256()).hex(":").upper()


def qr_code(url: str) -> object:
    """The QR code of the address (segno), for the terminal and the Settings page."""
    import segno

    return segno.make(url, error="m")


def qr_png(url: str, scale: int = 6) -> bytes:
    """The address's QR code as a PNG image."""
    import io

    out = io.BytesIO()
    qr_code(url).save(out, kind="png", scale=scale, border=2)  # type: ignore[attr-defined]
    return out.getvalue()


def phone_access() -> tuple[str, str] | None:
    """(address, certificate fingerprint) when this app was started with `serve --lan`, else None."""
    url, fingerprint = os.environ.get(LAN_URL_ENV), os.environ.get(LAN_FINGERPRINT_ENV)
    return (url, fingerprint or "") if url else None


def _offer_password(auth_file: Path) -> None:
    command = "python -m backcare set-password"
    if not sys.stdin.isatty():
        raise BackcareError(f"Set a password before opening backcare to your network: {command}")
    if input("Opening backcare to your network needs a password. Set one now? [y/N] ").strip().lower() != "y":
        raise BackcareError(f"Not started. Set a password first: {command}")
    first, second = getpass.getpass("New password: "), getpass.getpass("Same password again: ")
    if first != second:
        raise BackcareError("The two passwords differ; not started.")
    auth.save_record(auth_file, auth.hash_password(first))


def checked_address(address: str | None) -> str | None:
    """``--address`` as a plain IP address ('localhost' means 127.0.0.1; brackets around an IPv6
    address are dropped), or None when not given. Anything else, and addresses no server can
    listen on alone (multicast, 0.0.0.0, ::), raise BackcareError naming the value."""
    if address is None:
        return None
    text = address.strip()
    text = "127.0.0.1" if text.lower() == "localhost" else text.removeprefix("[").removesuffix("]")
    try:
        ip = ipaddress.ip_address(text)
    except ValueError:
        raise BackcareError(
            f"--address must be an IP address such as 192.168.1.20 (or localhost), not '{address}'."
        ) from None
    if ip.is_multicast or ip.is_unspecified:
        raise BackcareError(
            f"--address {address} is not one address of this computer; give its own IP address."
        )
    return str(ip)


def plan(
    db: Path,
    *,
    lan: bool,
    address: str | None = None,
    port: int = 8501,
    cert: Path | None = None,
    key: Path | None = None,
    session_hours: float = auth.DEFAULT_SESSION_HOURS,
) -> ServePlan:
    """Check everything and decide what to start (raises BackcareError with a plain reason)."""
    if not 0 < port < 65536:
        raise BackcareError(f"--port must be between 1 and 65535, not {port}.")
    if not 0 <= session_hours <= MAX_SESSION_HOURS:  # also refuses nan and inf: no token could carry them
        raise BackcareError(
            f"--session-hours must be from 0 to {MAX_SESSION_HOURS} (30 days), not {session_hours:g}."
        )
    if bool(cert) != bool(key):
        raise BackcareError("Give both --cert and --key, or neither (backcare then makes its own).")
    address = checked_address(address)
    if not lan:
        if address and not ipaddress.ip_address(address).is_loopback:
            raise BackcareError("Plain HTTP is served only on 127.0.0.1; use --lan to open it over HTTPS.")
        return ServePlan(db, "127.0.0.1", port, session_hours=session_hours)
    auth_file = config.auth_path(db)
    if auth.load_record(auth_file) is None:
        _offer_password(auth_file)
    if address is None:
        found = lan_addresses()
        if not found:
            raise BackcareError("No network address found: join your Wi-Fi first, or give --address.")
        address = found[0]
    if cert is None or key is None:
        cert, key = ensure_certificate(db.parent / TLS_FOLDER, address)
    fingerprint = certificate_fingerprint(cert, key)
    return ServePlan(db, address, port, cert, key, session_hours, fingerprint)


def announce(chosen: ServePlan) -> str:
    """What the terminal shows before starting: address, QR code, fingerprint, how long logins last."""
    import io

    if not chosen.cert:
        return f"backcare on this computer only: {chosen.url}\n"
    out = io.StringIO()
    qr_code(chosen.url).terminal(out=out, compact=True)  # type: ignore[attr-defined]
    hours = f"{chosen.session_hours:g} hours" if chosen.session_hours else "one page load"
    return (
        f"backcare on your network, over HTTPS: {chosen.url}\n{out.getvalue()}"
        "Scan the code with your phone's camera. The phone warns that the certificate is not trusted:\n"
        f"check that its SHA-256 fingerprint is\n  {chosen.fingerprint}\nbefore you go on.\n"
        f"A login lasts {hours} on that phone (set-password ends every login). Ctrl+C stops.\n"
    )


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The `serve` command's options."""
    parser.add_argument("--lan", action="store_true", help="open it to your home network over HTTPS")
    parser.add_argument("--address", help="with --lan: the IP address to listen on (default: found)")
    parser.add_argument("--port", type=int, default=8501, help="port (default 8501)")
    parser.add_argument("--cert", type=Path, help="your own certificate (PEM) instead of backcare's")
    parser.add_argument("--key", type=Path, help="its private key (PEM, unencrypted)")
    parser.add_argument(
        "--session-hours", type=float, default=auth.session_hours(),
        help="hours a login survives reloads (default 12, 0 = ask on every load)",
    )  # fmt: skip
    parser.add_argument("--dry-run", action="store_true", help="print the command, start nothing")


def serve(args: argparse.Namespace) -> int:
    """Run `serve` from parsed arguments: check, announce, then become the Streamlit server."""
    chosen = plan(
        config.db_path(args.db), lan=args.lan, address=args.address, port=args.port,
        cert=args.cert, key=args.key, session_hours=args.session_hours,
    )  # fmt: skip
    print(announce(chosen), end="", flush=True)
    if args.dry_run:
        print(" ".join(chosen.command()))
        return 0
    os.chdir(config.PROJECT_ROOT)  # Streamlit reads .streamlit/config.toml from here
    command = chosen.command()
    os.execve(command[0], command, {**os.environ, **chosen.environment()})  # signals reach Streamlit itself
