"""Train a Rasa model only when the training inputs changed (content hash)."""

from __future__ import annotations

import hashlib
import logging
import subprocess
import sys
from collections.abc import Iterable
from importlib.metadata import version
from pathlib import Path

logger = logging.getLogger(__name__)

# what a trained model depends on, relative to the project root
TRAINING_INPUTS = ("config.yml", "domain", "data", "nlu")
TRAINING_SUFFIXES = {".yml", ".yaml", ".py", ".json", ".txt"}


def _files(root: Path, names: Iterable[str]) -> list[Path]:
    out: list[Path] = []
    for name in names:
        path = root / name
        if path.is_file():
            out.append(path)
        elif path.is_dir():
            out.extend(
                p
                for p in path.rglob("*")
                if p.is_file() and p.suffix in TRAINING_SUFFIXES and "__pycache__" not in p.parts
            )
    return sorted(out)


def training_hash(root: Path) -> str:
    """A short hash over every training input's path and content, and the Rasa version."""
    digest = hashlib.sha256(f"rasa={version('rasa')}".encode())
    for path in _files(root, TRAINING_INPUTS):
        digest.update(path.relative_to(root).as_posix().encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()[:16]


def model_path(root: Path, models_dir: Path) -> Path:
    return models_dir / f"foerderlotse-{training_hash(root)}.tar.gz"


def ensure_model(root: Path, models_dir: Path) -> Path:
    """Return the model for the current inputs, training it first when it does not exist."""
    target = model_path(root, models_dir)
    if target.exists():
        logger.info("model %s is up to date, no training needed", target.name)
        return target
    models_dir.mkdir(parents=True, exist_ok=True)
    logger.info("training a new model %s (inputs changed or no model yet)", target.name)
    cmd = [
        sys.executable,
        "-m",
        "rasa",
        "train",
        "--config",
        str(root / "config.yml"),
        "--domain",
        str(root / "domain"),
        "--data",
        str(root / "data"),
        "--out",
        str(models_dir),
        "--fixed-model-name",
        target.name.removesuffix(".tar.gz"),
    ]
    subprocess.run(cmd, cwd=root, check=True)
    if not target.exists():
        raise RuntimeError(f"rasa train finished but {target} is missing")
    return target
