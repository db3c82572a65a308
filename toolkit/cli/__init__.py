"""The `quay-contract` command line: a thin layer over the library.

Exit codes: 0 everything passed; 1 findings (invalid payload, stale files, breaking change);
2 usage error; 3 input could not be checked; 4 internal error; 130 interrupted.
"""

from __future__ import annotations

from toolkit.cli._app import main
from toolkit.cli.diff import diff_command
from toolkit.cli.examples import examples_command
from toolkit.cli.fuzz import fuzz_command
from toolkit.cli.listen import listen_command
from toolkit.cli.regenerate import regenerate_command
from toolkit.cli.replay import replay_command
from toolkit.cli.report import report_command
from toolkit.cli.send import send_command
from toolkit.cli.validate import validate_command

main.add_command(validate_command)
main.add_command(examples_command)
main.add_command(fuzz_command)
main.add_command(send_command)
main.add_command(diff_command)
main.add_command(listen_command)
main.add_command(replay_command)
main.add_command(report_command)
main.add_command(regenerate_command)

__all__ = ["main"]
