"""Train the Rasa model only when its inputs changed since the last train."""

from __future__ import annotations

import hashlib
import logging
import os
import subprocess
from pathlib import Path

log = logging.getLogger("relais.training")

ROOT = Path(__file__).resolve().parents[2]
MODELS = ROOT / "models"
RASA_BIN = ROOT / ".venv" / "rasa" / "bin" / "rasa"


def training_inputs(root: Path = ROOT) -> list[Path]:
    files = [root / "config.yml", root / "domain.yml", root / "requirements" / "rasa.lock"]
    files += sorted((root / "nlu_data").rglob("*.yml"))
    files += sorted((root / "nlu_components").rglob("*.py")) if (root / "nlu_components").exists() else []
    return files


def fingerprint(root: Path = ROOT) -> str:
    digest = hashlib.sha256()
    for path in training_inputs(root):
        digest.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def model_path(root: Path = ROOT) -> Path:
    return root / "models" / f"relais-{fingerprint(root)}.tar.gz"


def rasa_env() -> dict[str, str]:
    env = dict(os.environ)
    env.update(RASA_TELEMETRY_ENABLED="false", TF_CPP_MIN_LOG_LEVEL="2", PYTHONPATH=str(ROOT))
    return env


def ensure_model(root: Path = ROOT) -> Path:
    """Path of a model trained on the current data, training it first if needed."""
    target = model_path(root)
    if target.exists():
        log.info("model up to date: %s", target.name)
        return target
    target.parent.mkdir(exist_ok=True)
    log.info("training data changed; training %s", target.name)
    cmd = [str(RASA_BIN), "train", "--data", "nlu_data", "--config", "config.yml", "--domain", "domain.yml",
           "--out", "models", "--fixed-model-name", target.name.removesuffix(".tar.gz")]
    subprocess.run(cmd, cwd=root, env=rasa_env(), check=True)
    for old in target.parent.glob("relais-*.tar.gz"):
        if old != target:
            old.unlink()
    return target
