"""The model artifact: one tar file that any process can sample from.

Layout: `manifest.json` first (engine name, column profile, metrics; readable without
unpacking the model), then `model/` as written by `Engine.save`. Written uncompressed (the
weights and pickles inside barely shrink, and gzip, even at level 1, was a fixed cost of
every train and every generate); artifacts written gzipped before are read as they are.
"""

from __future__ import annotations

import io
import json
import os
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Self

from services.training.engines.base import EngineError, get_engine
from services.training.engines.capabilities import Engine, RelationalEngine
from services.training.engines.orders import KeptOrder
from services.training.engines.profile import TableProfile

FORMAT_VERSION = 1
_MANIFEST = "manifest.json"
_MODEL_DIR = "model"


class InvalidArtifactError(EngineError):
    """The file is not a model artifact written by `write_artifact`."""


@dataclass(frozen=True)
class Manifest:
    engine: str
    # A model of several tables: the first table's profile (the root's, which conditions use).
    profile: TableProfile
    metrics: dict[str, Any]
    # A model of several tables or sequences: its `RelationalSchema` (as a dict) and each
    # table's profile; None for a single-table model.
    schema: dict[str, Any] | None = None
    profiles: dict[str, TableProfile] | None = None
    # Orders every training row keeps between two columns (`low`, `high`), which generation
    # keeps (`orders.keep_orders`); none in models trained before.
    orders: tuple[KeptOrder, ...] = ()

    def to_json(self) -> bytes:
        data: dict[str, Any] = {
            "format_version": FORMAT_VERSION,
            "engine": self.engine,
            "profile": self.profile.to_dict(),
            "metrics": self.metrics,
        }
        if self.orders:
            data["orders"] = [order.to_dict() for order in self.orders]
        if self.schema is not None:
            data["schema"] = self.schema
            data["profiles"] = {k: v.to_dict() for k, v in (self.profiles or {}).items()}
        return json.dumps(data).encode()

    @property
    def relational(self) -> bool:
        return self.schema is not None

    @classmethod
    def from_json(cls, raw: bytes) -> Self:
        data = json.loads(raw)
        if data.get("format_version") != FORMAT_VERSION:
            raise InvalidArtifactError(f"unsupported artifact format {data.get('format_version')}")
        return cls(
            engine=data["engine"],
            profile=TableProfile.from_dict(data["profile"]),
            metrics=data["metrics"],
            schema=data.get("schema"),
            profiles={k: TableProfile.from_dict(v) for k, v in data["profiles"].items()}
            if data.get("schema") is not None
            else None,
            orders=tuple(KeptOrder.from_dict(o) for o in data.get("orders") or ()),
        )


def write_artifact(path: Path, engine: Engine | RelationalEngine, manifest: Manifest) -> None:
    """Save the fitted `engine` and its manifest to `path` (a tar file)."""
    with tempfile.TemporaryDirectory(prefix="artifact-") as tmp:
        model_dir = Path(tmp) / _MODEL_DIR
        model_dir.mkdir()
        engine.save(model_dir)
        # Written aside and renamed, so a cancelled or crashed job never leaves half a model.
        partial = path.with_name(path.name + ".partial")
        with tarfile.open(partial, "w") as tar:
            raw = manifest.to_json()
            info = tarfile.TarInfo(_MANIFEST)
            info.size = len(raw)
            tar.addfile(info, io.BytesIO(raw))
            tar.add(model_dir, arcname=_MODEL_DIR)
        os.replace(partial, path)


def read_manifest(path: Path) -> Manifest:
    """Read only the manifest (cheap: it is the archive's first member)."""
    try:
        with tarfile.open(path, "r:*") as tar:
            member = tar.next()
            if member is None or member.name != _MANIFEST:
                raise InvalidArtifactError(f"{path} has no manifest")
            handle = tar.extractfile(member)
            assert handle is not None
            return Manifest.from_json(handle.read())
    except (tarfile.TarError, OSError, json.JSONDecodeError, KeyError) as exc:
        raise InvalidArtifactError(f"{path} is not a model artifact: {exc}") from exc


class LoadedModel:
    """A fitted engine unpacked from an artifact; use as a context manager."""

    def __init__(self, path: Path) -> None:
        self.manifest = read_manifest(path)
        self._tmp = tempfile.TemporaryDirectory(prefix="model-")
        try:
            with tarfile.open(path, "r:*") as tar:
                # The "data" filter refuses absolute paths, links out of the folder, devices.
                tar.extractall(self._tmp.name, filter="data")
        except (tarfile.TarError, OSError) as exc:
            self._tmp.cleanup()
            raise InvalidArtifactError(f"{path} is not a model artifact: {exc}") from exc
        spec = get_engine(self.manifest.engine)
        model_dir = Path(self._tmp.name) / _MODEL_DIR
        self._single: Engine | None = None
        self._relational: RelationalEngine | None = None
        if self.manifest.relational:
            self._relational = spec.relational_class().load(model_dir)
        else:
            self._single = spec.engine_class().load(model_dir)

    @property
    def engine(self) -> Engine:
        if self._single is None:
            raise EngineError("this model learned several tables: sample it with its tables")
        return self._single

    @property
    def relational_engine(self) -> RelationalEngine:
        if self._relational is None:
            raise EngineError("this model learned a single table")
        return self._relational

    def close(self) -> None:
        self._tmp.cleanup()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()
