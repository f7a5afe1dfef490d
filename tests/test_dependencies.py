"""pyproject.toml is the one list of dependencies; environment.yml must agree with it."""

from __future__ import annotations

import re

import tomllib
import yaml

from evalkit import paths

REQUIREMENT = re.compile(r"^\s*([A-Za-z0-9_.\-]+)\s*(.*)$")
#: conda-forge packages whose name differs from the PyPI name.
CONDA_NAMES = {"ortools-python": "ortools"}


def _parse(requirement: str) -> tuple[str, str]:
    name, spec = REQUIREMENT.match(requirement).groups()
    return name.lower().replace("_", "-"), spec.replace(" ", "")


def pyproject_requirements() -> dict[str, str]:
    with open(paths.PROJECT_ROOT / "pyproject.toml", "rb") as handle:
        project = tomllib.load(handle)["project"]
    requirements = list(project["dependencies"])
    for extra in project.get("optional-dependencies", {}).values():
        requirements += extra
    return dict(_parse(r) for r in requirements)


def conda_requirements() -> dict[str, str]:
    with open(paths.PROJECT_ROOT / "environment.yml", encoding="utf-8") as handle:
        environment = yaml.safe_load(handle)
    parsed = dict(_parse(entry.split("#")[0]) for entry in environment["dependencies"] if isinstance(entry, str))
    parsed = {CONDA_NAMES.get(name, name): spec for name, spec in parsed.items()}
    parsed.pop("python", None)
    parsed.pop("pip", None)
    return parsed


def test_environment_yml_lists_exactly_the_pyproject_dependencies():
    pip_side, conda_side = pyproject_requirements(), conda_requirements()
    assert sorted(set(pip_side) - set(conda_side)) == [], "add these to environment.yml"
    assert sorted(set(conda_side) - set(pip_side)) == [], "add these to pyproject.toml or remove them"


def test_version_floors_agree():
    pip_side, conda_side = pyproject_requirements(), conda_requirements()
    differing = {
        name: (pip_side[name], conda_side[name]) for name in pip_side if pip_side[name] != conda_side.get(name)
    }
    assert differing == {}


def test_environment_yml_uses_conda_forge_and_installs_the_package():
    with open(paths.PROJECT_ROOT / "environment.yml", encoding="utf-8") as handle:
        environment = yaml.safe_load(handle)
    assert environment["channels"][0] == "conda-forge"
    pip_section = [entry for entry in environment["dependencies"] if isinstance(entry, dict)][0]["pip"]
    assert "-e ." in pip_section


def lock_pins() -> dict[str, str]:
    pins = {}
    for line in (paths.PROJECT_ROOT / "requirements.lock").read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            name, version = line.split("==")
            pins[name.lower().replace("_", "-")] = version
    return pins


def test_lock_file_pins_every_dependency_within_its_range():
    from packaging.specifiers import SpecifierSet

    pins = lock_pins()
    for name, spec in pyproject_requirements().items():
        assert name in pins, f"requirements.lock does not pin {name}; regenerate it (see its header)"
        assert SpecifierSet(spec).contains(pins[name]), f"{name}=={pins[name]} is outside {spec}"


def test_environment_yml_pip_section_is_a_valid_pip_requirements_list(tmp_path):
    """`conda env create` hands the pip section to `pip install -r`; pip must accept every line.

    pip's own parser (a dry run, offline, no dependencies) reads the section exactly as conda's
    pip step would, from the folder of environment.yml. `--no-deps`, for example, is refused there.
    """
    import subprocess
    import sys

    with open(paths.PROJECT_ROOT / "environment.yml", encoding="utf-8") as handle:
        environment = yaml.safe_load(handle)
    pip_section = [entry for entry in environment["dependencies"] if isinstance(entry, dict)][0]["pip"]
    requirements = tmp_path / "condaenv.requirements.txt"
    requirements.write_text("\n".join(pip_section) + "\n", encoding="utf-8")
    command = [sys.executable, "-m", "pip", "install", "--dry-run", "--quiet", "--no-index", "--no-deps"]
    command += ["--no-build-isolation", "--disable-pip-version-check", "-r", str(requirements)]
    completed = subprocess.run(command, cwd=paths.PROJECT_ROOT, capture_output=True, text=True, timeout=300)
    assert completed.returncode == 0, completed.stdout + completed.stderr


def test_pip_refuses_an_option_it_does_not_allow_in_a_requirements_list(tmp_path):
    """The check above can fail: the `--no-deps` line environment.yml used to hold is refused."""
    import subprocess
    import sys

    requirements = tmp_path / "condaenv.requirements.txt"
    requirements.write_text("--no-deps\n-e .\n", encoding="utf-8")
    command = [sys.executable, "-m", "pip", "install", "--dry-run", "--quiet", "--no-index", "--no-deps"]
    command += ["--no-build-isolation", "--disable-pip-version-check", "-r", str(requirements)]
    completed = subprocess.run(command, cwd=paths.PROJECT_ROOT, capture_output=True, text=True, timeout=300)
    assert completed.returncode != 0
    assert "--no-deps" in completed.stdout + completed.stderr
