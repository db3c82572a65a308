"""The `quay-contract` command line: a thin layer over the library.

Exit codes: 0 everything passed; 1 findings (invalid payload, stale files, breaking change);
2 usage error; 3 input could not be checked; 4 internal error; 130 interrupted.
"""

from __future__ import annotations

from toolkit.cli._app import main

main.add_lazy("validate", "toolkit.cli.validate:validate_command")
main.add_lazy("examples", "toolkit.cli.examples:examples_command")
main.add_lazy("fuzz", "toolkit.cli.fuzz:fuzz_command")
main.add_lazy("send", "toolkit.cli.send:send_command")
main.add_lazy("diff", "toolkit.cli.diff:diff_command")
main.add_lazy("listen", "toolkit.cli.listen:listen_command")
main.add_lazy("replay", "toolkit.cli.replay:replay_command")
main.add_lazy("report", "toolkit.cli.report:report_command")
main.add_lazy("regenerate", "toolkit.cli.regenerate:regenerate_command")
main.add_lazy("template", "toolkit.cli.template:template_command")

__all__ = ["main"]
