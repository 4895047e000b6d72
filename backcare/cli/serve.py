"""The `serve` command: start the app on this computer, or with --lan over HTTPS for a phone."""

from __future__ import annotations

import argparse
from typing import Any

from backcare.cli.common import add_command


def cmd_serve(args: argparse.Namespace) -> int:
    """Run backcare.serve (checks, certificate, QR code, then the exact streamlit command)."""
    from backcare import serve

    return serve.serve(args)


def register(sub: Any) -> None:
    """Add `serve` to the parser."""
    from backcare.serve import add_arguments

    add_arguments(
        add_command(
            sub,
            "serve",
            cmd_serve,
            "Start the app: on this computer, or with --lan over HTTPS for your phone.",
        )
    )
