"""Both overlays render and every object they produce is valid for the API server.

Validation is offline: built-in kinds against the Kubernetes OpenAPI schemas shipped with
kubernetes-validate (strict, so a misspelt field fails), KEDA's custom resources against the
schema below, which covers the fields this repository uses.
"""

from typing import Any

import jsonschema
import kubernetes_validate

# The oldest Kubernetes minor version the manifests are meant for (native gRPC probes are GA
# since 1.27; this matches the kubectl used to render them).
KUBERNETES_VERSION = "1.32.0"

_STRING_MAP = {"type": "object", "additionalProperties": {"type": "string"}}
# From KEDA's ScaledObject CRD (keda.sh/v1alpha1), reduced to the fields used here.
SCALED_OBJECT_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["apiVersion", "kind", "metadata", "spec"],
    "properties": {
        "apiVersion": {"const": "keda.sh/v1alpha1"},
        "kind": {"const": "ScaledObject"},
        "metadata": {"type": "object", "required": ["name", "namespace"]},
        "spec": {
            "type": "object",
            "additionalProperties": False,
            "required": ["scaleTargetRef", "triggers"],
            "properties": {
                "scaleTargetRef": {
                    "type": "object",
                    "additionalProperties": False,
                    "required": ["name"],
                    "properties": {
                        "apiVersion": {"type": "string"},
                        "kind": {"type": "string"},
                        "name": {"type": "string"},
                    },
                },
                "pollingInterval": {"type": "integer", "minimum": 1},
                "cooldownPeriod": {"type": "integer", "minimum": 0},
                "minReplicaCount": {"type": "integer", "minimum": 0},
                "maxReplicaCount": {"type": "integer", "minimum": 1},
                "triggers": {
                    "type": "array",
                    "minItems": 1,
                    "items": {
                        "type": "object",
                        "additionalProperties": False,
                        "required": ["type", "metadata"],
                        "properties": {
                            "type": {"type": "string"},
                            "name": {"type": "string"},
                            "metadata": _STRING_MAP,
                            "authenticationRef": {
                                "type": "object",
                                "required": ["name"],
                                "properties": {"name": {"type": "string"}},
                            },
                        },
                    },
                },
            },
        },
    },
}
CUSTOM_SCHEMAS = {("keda.sh/v1alpha1", "ScaledObject"): SCALED_OBJECT_SCHEMA}
# Metadata the nats-jetstream scaler requires (KEDA docs, scalers/nats-jetstream).
NATS_JETSTREAM_KEYS = {"natsServerMonitoringEndpoint", "account", "stream", "consumer"}


def validation_errors(obj: dict[str, Any]) -> list[str]:
    name = f"{obj['kind']}/{obj['metadata']['name']}"
    custom = CUSTOM_SCHEMAS.get((obj["apiVersion"], obj["kind"]))
    try:
        if custom is not None:
            jsonschema.validate(obj, custom)
        else:
            kubernetes_validate.validate(obj, KUBERNETES_VERSION, strict=True)
    except (jsonschema.ValidationError, kubernetes_validate.ValidationError) as exc:
        path = ".".join(str(part) for part in exc.path)
        return [f"{name}: {path}: {exc.message}"]
    except kubernetes_validate.SchemaNotFoundError as exc:
        return [f"{name}: no schema to validate it against ({exc.message})"]
    return []


def test_overlay_renders_a_namespaced_install(objects: list[dict[str, Any]]) -> None:
    namespaces = [obj for obj in objects if obj["kind"] == "Namespace"]
    assert [ns["metadata"]["name"] for ns in namespaces] == ["synthetica"]
    outside = [
        f"{obj['kind']}/{obj['metadata']['name']}"
        for obj in objects
        if obj["kind"] != "Namespace" and obj["metadata"].get("namespace") != "synthetica"
    ]
    assert not outside


def test_every_object_validates_against_its_schema(objects: list[dict[str, Any]]) -> None:
    errors = [error for obj in objects for error in validation_errors(obj)]
    assert not errors, "\n".join(errors)


def test_schema_validation_catches_a_misspelt_field(objects: list[dict[str, Any]]) -> None:
    deployment = next(obj for obj in objects if obj["kind"] == "Deployment")
    broken = {**deployment, "spec": {**deployment["spec"], "replica": 2}}
    assert validation_errors(broken)


def test_prod_scales_workers_on_the_jetstream_backlog(rendered: dict[str, list]) -> None:
    prod = rendered["prod"]
    scaled = [obj for obj in prod if obj["kind"] == "ScaledObject"]
    assert [obj["spec"]["scaleTargetRef"]["name"] for obj in scaled] == ["training-worker"]
    assert not [obj for obj in prod if obj["kind"] == "HorizontalPodAutoscaler"], (
        "KEDA creates its own HPA; a second one would fight it"
    )
    (trigger,) = scaled[0]["spec"]["triggers"]
    assert trigger["type"] == "nats-jetstream"
    assert trigger["metadata"].keys() >= NATS_JETSTREAM_KEYS
    assert (trigger["metadata"]["stream"], trigger["metadata"]["consumer"]) == (
        "JOBS",
        "training-workers",
    )


def test_keda_reaches_an_existing_nats_monitoring_port(rendered: dict[str, list]) -> None:
    prod = rendered["prod"]
    (scaled,) = [obj for obj in prod if obj["kind"] == "ScaledObject"]
    endpoint = scaled["spec"]["triggers"][0]["metadata"]["natsServerMonitoringEndpoint"]
    host, port = endpoint.rsplit(":", 1)
    service_name, namespace = host.split(".")[:2]
    service = next(
        obj for obj in prod if obj["kind"] == "Service" and obj["metadata"]["name"] == service_name
    )
    assert namespace == service["metadata"]["namespace"]
    assert int(port) in {p["port"] for p in service["spec"]["ports"]}


def test_dev_scales_workers_on_cpu(rendered: dict[str, list]) -> None:
    dev = rendered["dev"]
    hpas = [obj for obj in dev if obj["kind"] == "HorizontalPodAutoscaler"]
    assert [hpa["spec"]["scaleTargetRef"]["name"] for hpa in hpas] == ["training-worker"]
    assert hpas[0]["spec"]["metrics"][0]["resource"]["name"] == "cpu"
    assert not [obj for obj in dev if obj["kind"] == "ScaledObject"]
    # CPU utilisation is measured against the request: without one the HPA never scales.
    worker = next(
        obj
        for obj in dev
        if obj["kind"] == "Deployment" and obj["metadata"]["name"] == "training-worker"
    )
    assert all(
        c["resources"]["requests"]["cpu"] for c in worker["spec"]["template"]["spec"]["containers"]
    )


def _config(objects: list[dict[str, Any]], name: str) -> dict[str, str]:
    return next(
        obj["data"]
        for obj in objects
        if obj["kind"] == "ConfigMap" and obj["metadata"]["name"] == name
    )


def test_prod_switches_off_discovery_and_pins_the_public_url(rendered: dict[str, list]) -> None:
    """Introspection, GraphiQL and gRPC reflection are off in prod, and signed
    links are built on the public host the ingress serves."""
    prod = rendered["prod"]
    gateway, shared = _config(prod, "gateway-config"), _config(prod, "synthetica-config")
    assert gateway["GATEWAY_GRAPHIQL"] == "false"
    assert gateway["GATEWAY_INTROSPECTION"] == "false"
    assert shared["SYNTHETICA_GRPC_REFLECTION"] == "false"
    (ingress,) = [obj for obj in prod if obj["kind"] == "Ingress"]
    hosts = {rule["host"] for rule in ingress["spec"]["rules"]}
    assert gateway["GATEWAY_PUBLIC_BASE_URL"] in {f"https://{host}" for host in hosts}
