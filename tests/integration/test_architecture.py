"""Rules about the shape of the code that keep it safe as it grows."""

import ast
import re
from pathlib import Path

from marketplace.permissions import Permission

PACKAGE = Path(__file__).resolve().parents[2] / "marketplace"
DOMAIN_PACKAGES = [
    "accounts",
    "organisations",
    "vacancies",
    "applications",
    "moderation",
    "search",
    "alerts",
    "notifications",
    "analytics",
    "publishing",
]


def test_every_endpoint_declares_who_may_use_it(app):
    undeclared = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        access = getattr(app.view_functions[rule.endpoint], "access", None)
        if access != "public" and not isinstance(access, Permission):
            undeclared.append(f"{rule.rule} ({rule.endpoint})")
    assert undeclared == []


def test_protected_endpoints_refuse_anonymous_visitors(client, app):
    for rule in app.url_map.iter_rules():
        access = getattr(app.view_functions[rule.endpoint], "access", None)
        if not isinstance(access, Permission) or "GET" not in rule.methods:
            continue
        url = re.sub(r"<(?:int:)?\w+>", "1", rule.rule)
        response = client.get(url)
        assert response.status_code == 302, url
        assert "/sign-in" in response.headers["Location"], url


def test_urls_are_kebab_case(app):
    offenders = []
    for rule in app.url_map.iter_rules():
        static_parts = re.sub(r"<[^>]+>", "", rule.rule)
        if rule.endpoint != "static" and re.search(r"[A-Z_]", static_parts.replace("openapi.json", "")):
            offenders.append(rule.rule)
    assert offenders == []


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


def test_domain_modules_do_not_reach_into_the_web_layer():
    offenders = []
    for package in DOMAIN_PACKAGES:
        for path in (PACKAGE / package).rglob("*.py"):
            for name in _imports(path):
                if name.startswith("marketplace.web") or name in {"flask.request", "flask_wtf", "wtforms"}:
                    offenders.append(f"{path.relative_to(PACKAGE)} imports {name}")
    assert offenders == []


SEARCH_ENGINE = PACKAGE / "search" / "whoosh"


def test_only_the_search_engine_package_imports_whoosh():
    # Everything else speaks to search through marketplace.search.api; imports inside functions count.
    offenders = []
    for root in (PACKAGE, PACKAGE.parent / "benchmarks"):
        for path in root.rglob("*.py"):
            if path.is_relative_to(SEARCH_ENGINE):
                continue
            for name in _imports(path):
                if name == "whoosh" or name.startswith("whoosh."):
                    offenders.append(f"{path.relative_to(PACKAGE.parent)} imports {name}")
    assert offenders == []


def test_the_app_outside_search_reaches_the_engine_only_through_the_port():
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        if path.is_relative_to(PACKAGE / "search"):
            continue
        for name in _imports(path):
            if name.startswith("marketplace.search.whoosh"):
                offenders.append(f"{path.relative_to(PACKAGE)} imports {name}")
    assert offenders == []


# Web packages whose views run every use-case through marketplace/web/outcomes.py (or the unit of
# work). The rest of web/ is being converted: once it is, this list becomes all of web/.
UNIT_OF_WORK_WEB = ["schools", "organisations", "api", "appeals", "reports"]
UNIT_OF_WORK_WEB_MODULES = ["outcomes.py", "documents.py"]


def _transaction_calls(path: Path) -> list[str]:
    """Each `.commit(` or `.rollback(` call in a module, as 'path:line'."""
    tree = ast.parse(path.read_text())
    return [
        f"{path.relative_to(PACKAGE)}:{node.lineno}"
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in {"commit", "rollback"}
    ]


def test_views_leave_commit_and_rollback_to_the_unit_of_work():
    web = PACKAGE / "web"
    modules = [web / name for name in UNIT_OF_WORK_WEB_MODULES]
    for package in UNIT_OF_WORK_WEB:
        modules += sorted((web / package).rglob("*.py"))
    assert len(modules) > len(UNIT_OF_WORK_WEB) + len(UNIT_OF_WORK_WEB_MODULES)  # the files are there
    offenders = [call for module in modules for call in _transaction_calls(module)]
    assert offenders == [], "views commit through marketplace.web.outcomes.attempt or unit_of_work()"


CORE_PACKAGES = ["accounts", "organisations", "vacancies", "applications"]
# Layers the core must never reach: it announces domain events and these subscribe to them.
ABOVE_THE_CORE_VIA_EVENTS = ["marketplace.notifications", "marketplace.analytics", "marketplace.alerts"]


def test_the_core_announces_instead_of_calling_notifications_or_analytics():
    offenders = []
    for package in CORE_PACKAGES:
        for path in (PACKAGE / package).rglob("*.py"):
            for name in _imports(path):
                if any(name == layer or name.startswith(f"{layer}.") for layer in ABOVE_THE_CORE_VIA_EVENTS):
                    offenders.append(f"{path.relative_to(PACKAGE)} imports {name}")
    assert offenders == []


NOTIFICATIONS = PACKAGE / "notifications"


def test_only_the_notifications_package_queues_email():
    # Everything else names an email through the message catalogue or announces an event it subscribes to.
    offenders = []
    for path in PACKAGE.rglob("*"):
        if path.is_relative_to(NOTIFICATIONS) or path.suffix not in {".py", ".html", ".txt"}:
            continue
        if "queue_email(" in path.read_text():
            offenders.append(f"{path.relative_to(PACKAGE)} calls queue_email")
        if path.suffix == ".py" and "marketplace.notifications.outbox.queue_email" in _imports(path):
            offenders.append(f"{path.relative_to(PACKAGE)} imports queue_email")
    assert offenders == []


def test_email_templates_are_given_their_links():
    # A path typed after base_url drifts when its route moves: the catalogue passes external_url links in.
    offenders = []
    for path in (PACKAGE / "templates" / "email").glob("*.*"):
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            if re.search(r"\{\{\s*base_url\s*\}\}/", line):
                offenders.append(f"{path.name}:{number}: {line.strip()}")
    assert offenders == []


PLAIN_EVENT_FIELDS = {"int", "str", "bool", "float", "dt.datetime", "dt.date", "int | None", "str | None"}


def test_every_core_event_carries_plain_values_and_is_heard(app):
    import dataclasses
    import importlib

    from marketplace.events import DomainEvent, handlers_for

    unheard, not_plain = [], []
    for package in CORE_PACKAGES:
        module = importlib.import_module(f"marketplace.{package}.events")
        for value in vars(module).values():
            if not (isinstance(value, type) and issubclass(value, DomainEvent) and value is not DomainEvent):
                continue
            if value.__module__ != module.__name__:
                continue
            assert dataclasses.is_dataclass(value), value
            assert value.__dataclass_params__.frozen, value
            not_plain += [
                f"{value.__name__}.{field.name}: {field.type}"
                for field in dataclasses.fields(value)
                if str(field.type) not in PLAIN_EVENT_FIELDS
            ]
            if not handlers_for(value):
                unheard.append(value.__name__)
    assert not_plain == []
    assert unheard == []


# The dependency rule (DESIGN.md, "Shape"): each layer imports only the layers below it. Within the core
# and within the policies the packages are ordered too: each imports only those before it in its list.
# Imports inside functions count; imports under `if TYPE_CHECKING:` are exempt, since they exist only
# for annotations and never run (User in audit/models.py, Membership in accounts/models.py).
LAYERS: list[tuple[str, list[str]]] = [
    (
        "foundation",
        [
            *("config", "db", "extensions", "errors", "unit_of_work", "links", "observability"),
            *("permissions", "audit", "events", "resources", "numbers", "progress"),
            "submissions",
        ],
    ),
    ("core", ["accounts", "organisations", "vacancies", "applications"]),
    ("policies and read models", ["notifications", "analytics", "search", "moderation", "alerts"]),
    ("use-cases", ["publishing"]),
    # Entry points: the app factory, every model for Alembic, the health check, commands and the worker.
    ("entry points", ["web", "cli", "demo", "worker", "health", "models", "wsgi", "__init__"]),
]
# Ranks: one for the whole foundation and for the entry points; one per package in the ordered layers.
RANK: dict[str, tuple[int, str]] = {}
for _layer, (_name, _packages) in enumerate(LAYERS):
    for _position, _package in enumerate(_packages):
        ordered = _name in {"core", "policies and read models"}
        RANK[_package] = (_layer * 100 + (_position if ordered else 0), _name)


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _type_checking_only(tree: ast.Module) -> set[ast.AST]:
    """The import statements under `if TYPE_CHECKING:` (annotations only: they never run)."""
    exempt: set[ast.AST] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If):
            test = node.test
            name = test.id if isinstance(test, ast.Name) else getattr(test, "attr", None)
            if name == "TYPE_CHECKING":
                for statement in node.body:
                    exempt.update(ast.walk(statement))
    return exempt


def _marketplace_imports(path: Path) -> set[str]:
    """Every marketplace module the file imports, at any depth, except under `if TYPE_CHECKING:`."""
    tree = ast.parse(path.read_text())
    exempt = _type_checking_only(tree)
    module = _module_name(path)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = set()
    for node in ast.walk(tree):
        if node in exempt:
            continue
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join(anchor + ([node.module] if node.module else []))
            if base == "marketplace":  # `from marketplace import audit` imports marketplace.audit
                found.update(f"marketplace.{alias.name}" for alias in node.names)
            else:
                found.add(base)
    return {name for name in found if name == "marketplace" or name.startswith("marketplace.")}


def _placement(module: str) -> tuple[int, str] | None:
    parts = module.split(".")
    return RANK.get(parts[1] if len(parts) > 1 else "__init__")


def _upward_edges() -> set[str]:
    edges = set()
    for path in sorted(PACKAGE.rglob("*.py")):
        source = _placement(_module_name(path))
        for target in _marketplace_imports(path):
            placed = _placement(target)
            if source is not None and placed is not None and placed[0] > source[0]:
                edges.add(f"{path.relative_to(PACKAGE)} -> {target}")
    return edges


def test_every_part_of_the_package_has_a_layer():
    unplaced = [
        path.name
        for path in PACKAGE.iterdir()
        if (path.suffix == ".py" or (path / "__init__.py").exists())
        and path.stem not in RANK
        and path.name not in RANK
    ]
    assert unplaced == [], "add each to LAYERS where it belongs"


def test_no_layer_imports_a_layer_above_it():
    # Not even inside a function: a lazy import still couples the lower layer to the higher one.
    assert sorted(_upward_edges()) == []
