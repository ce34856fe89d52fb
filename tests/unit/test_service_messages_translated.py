"""Every message a service raises is in the Welsh catalogue, so a Welsh reader never sees English.

Services raise English msgids (marked with ``N_``); the web translates them. This scans
``src/withcare/services`` for ``InvalidInput``/``NotFound``/``Conflict``/``LoginFailed`` calls and
checks each literal message, and each literal value of a ``problems`` dict display passed with
it, against the Welsh catalogue. A message with values uses ``%(name)s`` and ``params``, never an
f-string (an f-string cannot be looked up in a catalogue).
"""

from __future__ import annotations

import ast
from pathlib import Path

from babel.messages.pofile import read_po

from withcare.web.i18n import LOCALE_DIR

SERVICES = Path(__file__).resolve().parents[2] / "src" / "withcare" / "services"
RAISED = {"InvalidInput", "NotFound", "Conflict", "LoginFailed", "WithcareError"}


def _welsh() -> dict[str, str]:
    with (LOCALE_DIR / "cy" / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        catalog = read_po(handle)
    return {m.id: m.string for m in catalog if isinstance(m.id, str) and isinstance(m.string, str)}


def _literal(node: ast.expr) -> str | None:
    """The text of ``"..."`` or ``N_("...")``; None for anything else."""
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "N_":
        return _literal(node.args[0]) if len(node.args) == 1 else None
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


def _calls() -> list[tuple[str, ast.Call]]:
    found = []
    for path in sorted(SERVICES.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in RAISED
            ):
                found.append((f"{path.relative_to(SERVICES)}:{node.lineno}", node))
    return found


def _messages() -> list[tuple[str, str]]:
    """(where, text) for each literal message and literal problems value."""
    messages = []
    for where, call in _calls():
        if call.args and (text := _literal(call.args[0])) is not None:
            messages.append((where, text))
        problems = call.args[1] if len(call.args) > 1 else None
        problems = next((k.value for k in call.keywords if k.arg == "problems"), problems)
        if isinstance(problems, ast.Dict):
            messages += [(where, t) for v in problems.values if (t := _literal(v)) is not None]
    return messages


def test_the_scan_finds_the_services_messages() -> None:
    assert len(_calls()) > 100
    assert len(_messages()) > 100


def test_every_literal_service_message_has_a_welsh_translation() -> None:
    welsh = _welsh()
    missing = [(where, text) for where, text in _messages() if not welsh.get(text)]
    assert missing == [], "run `make messages` and translate these in the Welsh catalogue"


def _built(node: ast.expr) -> bool:
    """Text put together at run time: an f-string, ``+`` or ``%``, ``.format()``, ``.join()`` or
    ``str(...)`` (none of which a catalogue can hold)."""
    if isinstance(node, ast.JoinedStr | ast.BinOp):
        return True
    if isinstance(node, ast.Call):
        func = node.func
        return (isinstance(func, ast.Attribute) and func.attr in ("format", "join")) or (
            isinstance(func, ast.Name) and func.id == "str"
        )
    return False


def test_no_service_message_is_built_at_run_time() -> None:
    built = [
        where
        for where, call in _calls()
        if (call.args and _built(call.args[0]))
        or any(k.arg != "params" and _built(k.value) for k in call.keywords)
        or (
            len(call.args) > 1
            and isinstance(call.args[1], ast.Dict)
            and any(v is not None and _built(v) for v in call.args[1].values)
        )
    ]
    assert built == [], "use N_('... %(name)s ...') with params={...}, not built-up text"


def test_every_marked_message_in_the_services_is_translated() -> None:
    """``N_`` used anywhere in the services (constants, problems built up field by field)."""
    welsh = _welsh()
    marked = [
        (f"{path.relative_to(SERVICES)}:{node.lineno}", text)
        for path in sorted(SERVICES.rglob("*.py"))
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id == "N_"
        and (text := _literal(node)) is not None
    ]
    assert len(marked) > 100
    assert [(where, text) for where, text in marked if not welsh.get(text)] == []
