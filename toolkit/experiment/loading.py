"""Reading experiment configs: YAML, ``extends``, ``${VAR}``, paths, overrides and sweeps.

Everything a user can get wrong in a config file is caught here, before any work, with the file
and the key (and, for YAML mistakes, the line): unknown keys, wrong types, impossible values, a
key or section given twice, an unset environment variable, a sweep value of the wrong type.

Examples
--------
>>> cfg = config_from_mapping({"name": "demo", "corpus": {"path": "seeds"}}, base_dir=".")
>>> cfg.corpus.path.name
'seeds'
>>> sweep_points(["topics.num_topics=5,9"])
[['topics.num_topics=5'], ['topics.num_topics=9']]
"""

from __future__ import annotations

import copy
import itertools
import os
import re
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from toolkit.errors import ConfigError
from toolkit.experiment.schema import ExperimentConfig

_ENV_VAR = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
PATH_KEYS = (
    ("corpus", "path"),
    ("topics", "reference_corpus"),
    ("output", "dir"),
    ("output", "cache_dir"),
)


class _DuplicateKey(Exception):
    def __init__(self, key: Any, first: int, second: int) -> None:
        super().__init__(f"key '{key}' is given twice: on line {first} and on line {second}")


class _StrictLoader(yaml.SafeLoader):
    """A safe YAML loader that refuses a key given twice in one mapping (YAML keeps the last)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        self.flatten_mapping(node)
        seen: dict[Any, int] = {}
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            line = key_node.start_mark.line + 1
            if key in seen:
                raise _DuplicateKey(key, seen[key], line)
            seen[key] = line
        return super().construct_mapping(node, deep=deep)


def parse_yaml(text: str, source: str) -> Any:
    """Parse YAML text strictly (duplicate keys are errors naming both lines).

    >>> parse_yaml("a: 1\\nb: 2", "x.yaml")
    {'a': 1, 'b': 2}
    """
    try:
        return yaml.load(text, Loader=_StrictLoader)
    except _DuplicateKey as exc:
        raise ConfigError(f"{source}: {exc}") from None
    except yaml.YAMLError as exc:
        raise ConfigError(f"{source}: not valid YAML: {exc}") from None


def _expand_env(value: Any, file: Path, key: str = "") -> Any:
    if isinstance(value, dict):
        return {k: _expand_env(v, file, f"{key}.{k}" if key else str(k)) for k, v in value.items()}
    if isinstance(value, list):
        return [_expand_env(v, file, f"{key}[{i}]") for i, v in enumerate(value)]
    if isinstance(value, str):

        def substitute(match: re.Match[str]) -> str:
            name = match.group(1)
            if name not in os.environ:
                raise ConfigError(
                    f"{file}: key '{key}' uses ${{{name}}}, "
                    f"but the environment variable {name} is not set"
                )
            return os.environ[name]

        return _ENV_VAR.sub(substitute, value)
    return value


def deep_merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    """Merge ``override`` into a copy of ``base``; nested mappings merge, other values replace.

    >>> deep_merge({"a": {"x": 1, "y": 2}}, {"a": {"y": 3}})
    {'a': {'x': 1, 'y': 3}}
    """
    merged = copy.deepcopy(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = deep_merge(merged[key], value)
        else:
            merged[key] = copy.deepcopy(value)
    return merged


def _read_yaml(path: Path) -> dict[str, Any]:
    if not path.is_file():
        what = "a folder, not a config file" if path.is_dir() else "not found"
        raise ConfigError(f"config file {path}: {what}")
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: not UTF-8 text ({exc})") from None
    data = parse_yaml(text, str(path))
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ConfigError(
            f"{path}: a config must be a mapping of sections, not {type(data).__name__}"
        )
    return data


def _resolve_paths(data: dict[str, Any], base_dir: Path) -> dict[str, Any]:
    """Make relative paths absolute against the folder of the file that set them."""

    def absolute(value: str | Path) -> str:
        path = Path(value).expanduser()
        return str(path if path.is_absolute() else (base_dir / path).resolve())

    for section, key in PATH_KEYS:
        block = data.get(section)
        if not isinstance(block, dict):
            continue
        value = block.get(key)
        if isinstance(value, str | Path):
            block[key] = absolute(value)
        elif isinstance(value, list) and all(isinstance(v, str | Path) for v in value):
            block[key] = [absolute(v) for v in value]
    return data


def load_raw(path: str | Path, _seen: tuple[Path, ...] = ()) -> dict[str, Any]:
    """Read a config file with ``extends`` composition, env variables and paths resolved."""
    path = Path(path).resolve()
    if path in _seen:
        raise ConfigError(
            f"{path}: 'extends' forms a cycle: {' -> '.join(map(str, (*_seen, path)))}"
        )
    data = _expand_env(_read_yaml(path), path)
    data = _resolve_paths(data, path.parent)
    parents = data.pop("extends", None)
    if parents is None:
        return data
    if isinstance(parents, str):
        parents = [parents]
    if not isinstance(parents, list) or not all(isinstance(p, str) for p in parents):
        raise ConfigError(f"{path}: key 'extends' must be a file name or a list of file names")
    merged: dict[str, Any] = {}
    for parent in parents:
        merged = deep_merge(merged, load_raw(path.parent / parent, (*_seen, path)))
    return deep_merge(merged, data)


def parse_assignment(assignment: str) -> tuple[list[str], Any]:
    """Split ``a.b.c=value`` into the key path and the YAML-parsed value.

    >>> parse_assignment("topics.num_topics=12")
    (['topics', 'num_topics'], 12)
    """
    if "=" not in assignment:
        raise ConfigError(f"override {assignment!r}: expected KEY=VALUE, e.g. topics.num_topics=12")
    key, raw = assignment.split("=", 1)
    parts = [p for p in key.strip().split(".") if p]
    if not parts:
        raise ConfigError(f"override {assignment!r}: empty key")
    value = parse_yaml(raw, f"override {assignment!r}") if raw.strip() else ""
    return parts, value


def apply_overrides(data: dict[str, Any], assignments: list[str], base_dir: Path) -> dict[str, Any]:
    """Apply ``--set key.path=value`` overrides (relative paths resolve against ``base_dir``)."""
    data = copy.deepcopy(data)
    for assignment in assignments:
        parts, value = parse_assignment(assignment)
        target = data
        for part in parts[:-1]:
            if target.get(part) is None:
                target[part] = {}
            if not isinstance(target[part], dict):
                raise ConfigError(f"override {assignment!r}: '{part}' is not a section")
            target = target[part]
        target[parts[-1]] = value
        if len(parts) == 2 and tuple(parts) in PATH_KEYS:
            _resolve_paths({parts[0]: target}, base_dir)
    return data


def sweep_points(sweeps: list[str]) -> list[list[str]]:
    """Expand ``--sweep key=v1,v2`` specs into the override lists of every grid point."""
    axes: list[list[str]] = []
    for spec in sweeps:
        if "=" not in spec:
            raise ConfigError(
                f"sweep {spec!r}: expected KEY=V1,V2,..., e.g. topics.num_topics=5,10,20"
            )
        key, values = spec.split("=", 1)
        options = [v.strip() for v in values.split(",") if v.strip()]
        if not options:
            raise ConfigError(f"sweep {spec!r}: no values")
        axes.append([f"{key.strip()}={v}" for v in options])
    return [list(point) for point in itertools.product(*axes)] if axes else [[]]


def _format_error(exc: ValidationError, file: str) -> str:
    lines = [f"{file}: invalid config"]
    for error in exc.errors():
        loc = ".".join(str(p) for p in error["loc"] if p != "definitions")
        # a union reports one error per member type: name the key, not the member
        loc = re.sub(r"\.(int|float|str|bool|literal\[[^\]]*\])$", "", loc)
        if error["type"] == "extra_forbidden":
            lines.append(f"  unknown key '{loc}' (check its spelling)")
        elif error["type"] == "missing":
            lines.append(f"  missing key '{loc}'")
        else:
            lines.append(f"  key '{loc}': {error['msg']} (got {error.get('input')!r})")
    return "\n".join(dict.fromkeys(lines))


def validate(data: dict[str, Any], file: str = "<config>") -> ExperimentConfig:
    """Validate a raw mapping; errors name the key and the file."""
    try:
        return ExperimentConfig.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(_format_error(exc, file)) from None


def load_config(path: str | Path, overrides: list[str] | None = None) -> ExperimentConfig:
    """Load, compose, override and validate an experiment config.

    Parameters
    ----------
    path : str or Path
        The YAML file.
    overrides : list of str, optional
        ``key.path=value`` assignments applied after composition.

    Examples
    --------
    >>> cfg = load_config("experiments/seed.yaml", ["topics.num_topics=4"])
    >>> cfg.topics.num_topics
    4
    """
    path = Path(path)
    data = load_raw(path)
    data = apply_overrides(data, overrides or [], Path.cwd())
    return validate(data, str(path))


def config_from_mapping(
    data: dict[str, Any], base_dir: str | Path | None = None
) -> ExperimentConfig:
    """Validate a config given as a Python mapping (relative paths resolve against ``base_dir``)."""
    data = _resolve_paths(
        copy.deepcopy(_expand_env(data, Path("<mapping>"))), Path(base_dir or Path.cwd())
    )
    return validate(data, "<mapping>")


def to_yaml(config: ExperimentConfig, relative_to: Path | None = None) -> str:
    """The fully resolved config as YAML (every default written out, stable key order).

    With ``relative_to`` (a run folder), paths are written relative to it, so the file names
    nothing of the machine that wrote it and ``toolkit run <run>/config.yaml`` re-runs it.
    """
    data = config.model_dump(mode="json", exclude_none=False)
    if relative_to is not None:

        def relative(value: str) -> str:
            return Path(os.path.relpath(value, relative_to)).as_posix()

        for section, key in PATH_KEYS:
            block = data.get(section)
            if isinstance(block, dict) and isinstance(block.get(key), str):
                block[key] = relative(block[key])
            elif isinstance(block, dict) and isinstance(block.get(key), list):
                block[key] = [relative(v) for v in block[key]]
    if data.get("themes"):
        themes = data["themes"]
        data["themes"] = {"settings": themes["settings"], **themes["definitions"]}
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)
