"""The web layer ends a transaction only through marketplace.unit_of_work: one way to run a use-case."""

import ast
from pathlib import Path

WEB = Path(__file__).resolve().parents[2] / "marketplace" / "web"
# Still ending their own transactions until their move to the unit of work lands.
NOT_YET_CONVERTED = {"schools", "organisations", "api", "appeals", "reports"}


def _transaction_calls(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in {"commit", "rollback"}
        ):
            found.append(f"{path.relative_to(WEB.parent)}:{node.lineno} calls {node.func.attr}()")
    return found


def test_views_commit_and_roll_back_only_through_the_unit_of_work():
    offenders = []
    for path in sorted(WEB.rglob("*.py")):
        if path.relative_to(WEB).parts[0] in NOT_YET_CONVERTED:
            continue
        offenders.extend(_transaction_calls(path))
    assert offenders == []
