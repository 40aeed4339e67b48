"""Policies over the rendered overlays: what an operator and a security review rely on."""

from __future__ import annotations

import importlib
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from conftest import Stage

REPO = Path(__file__).resolve().parents[2]
Manifest = dict[str, Any]
WORKLOAD_KINDS = ("Deployment", "StatefulSet", "Job")
MIGRATING_SERVICES = {"auth", "datasets", "training", "evaluation", "notify"}
# Settings that are credentials: they must come from a Secret, never a literal or ConfigMap.
SENSITIVE = re.compile(r"PASSWORD|TOKEN|SECRET|DATABASE_URL|ACCESS_KEY", re.IGNORECASE)
# Stand-ins for the Secret's values, shaped like the real ones so the settings parse.
SECRET_STAND_INS = {"database-url": "postgresql+psycopg2://synthetica:pw@postgres:5432/synthetica"}
ENV_PREFIXES = (
    "SYNTHETICA_",
    "AUTH_",
    "DATASETS_",
    "TRAINING_",
    "EVALUATION_",
    "NOTIFY_",
    "GATEWAY_",
)
APP_IMAGE = re.compile(r"(?:^|/)synthetica-(?P<target>[a-z]+)(?::(?P<tag>[^@]+))?(?:@.+)?$")


def of_kind(objects: list[Manifest], kind: str) -> list[Manifest]:
    return [obj for obj in objects if obj["kind"] == kind]


def name(obj: Manifest) -> str:
    return f"{obj['kind']}/{obj['metadata']['name']}"


def workloads(objects: list[Manifest], kinds: tuple[str, ...] = WORKLOAD_KINDS) -> list[Manifest]:
    return [obj for obj in objects if obj["kind"] in kinds]


def pod_spec(workload: Manifest) -> Manifest:
    return workload["spec"]["template"]["spec"]


def pod_labels(workload: Manifest) -> dict[str, str]:
    return workload["spec"]["template"]["metadata"].get("labels", {})


def containers(workload: Manifest) -> Iterator[Manifest]:
    spec = pod_spec(workload)
    yield from spec.get("initContainers", [])
    yield from spec["containers"]


def all_containers(objects: list[Manifest]) -> Iterator[tuple[Manifest, Manifest]]:
    for workload in workloads(objects):
        for container in containers(workload):
            yield workload, container


def app_containers(objects: list[Manifest]) -> Iterator[tuple[Manifest, Manifest, str]]:
    """Containers running a Synthetica image, with the Dockerfile target that built it."""
    for workload, container in all_containers(objects):
        match = APP_IMAGE.search(container["image"])
        if match:
            yield workload, container, match["target"]


def selector_matches(selector: Manifest, labels: dict[str, str]) -> bool:
    """Kubernetes label-selector semantics (matchLabels and matchExpressions)."""
    if any(labels.get(key) != value for key, value in selector.get("matchLabels", {}).items()):
        return False
    for expr in selector.get("matchExpressions", []):
        value = labels.get(expr["key"])
        op = expr["operator"]
        if (op == "In" and value not in expr["values"]) or (
            op == "NotIn" and value in expr["values"]
        ):
            return False
        if (op == "Exists" and value is None) or (op == "DoesNotExist" and value is not None):
            return False
    return True


def selected(objects: list[Manifest], selector: Manifest, kinds: tuple[str, ...]) -> list[Manifest]:
    return [w for w in workloads(objects, kinds) if selector_matches(selector, pod_labels(w))]


def ports_of(workload: Manifest) -> dict[str | int, int]:
    """A pod's container ports, by name and by number."""
    ports: dict[str | int, int] = {}
    for container in containers(workload):
        for port in container.get("ports", []):
            ports[port["containerPort"]] = port["containerPort"]
            if "name" in port:
                ports[port["name"]] = port["containerPort"]
    return ports


def pod_environment(objects: list[Manifest], container: Manifest) -> dict[str, str]:
    """The environment Kubernetes gives the container, with stand-ins for Secret values."""
    env: dict[str, str] = {}
    for source in container.get("envFrom", []):
        ref = source["configMapRef"]["name"]
        config = next(c for c in of_kind(objects, "ConfigMap") if c["metadata"]["name"] == ref)
        env.update(config.get("data", {}))
    for var in container.get("env", []):
        secret = var.get("valueFrom", {}).get("secretKeyRef")
        env[var["name"]] = SECRET_STAND_INS.get(secret["key"], "x") if secret else var["value"]
    return env


def test_every_container_has_requests_and_limits(objects: list[Manifest]) -> None:
    missing = [
        f"{name(w)}:{c['name']}"
        for w, c in all_containers(objects)
        for section in ("requests", "limits")
        for resource in ("cpu", "memory")
        if resource not in c.get("resources", {}).get(section, {})
    ]
    assert not missing


def test_every_container_is_non_root_and_read_only(objects: list[Manifest]) -> None:
    problems = []
    for workload, container in all_containers(objects):
        pod = pod_spec(workload).get("securityContext", {})
        ctx = container.get("securityContext", {})
        checks = {
            "runAsNonRoot": ctx.get("runAsNonRoot", pod.get("runAsNonRoot")) is True,
            "runAsUser 10001": ctx.get("runAsUser", pod.get("runAsUser")) == 10001,
            "readOnlyRootFilesystem": ctx.get("readOnlyRootFilesystem") is True,
            "allowPrivilegeEscalation": ctx.get("allowPrivilegeEscalation") is False,
            "drop ALL": ctx.get("capabilities", {}).get("drop") == ["ALL"],
            "seccomp": pod.get("seccompProfile", {}).get("type") == "RuntimeDefault",
        }
        problems += [
            f"{name(workload)}:{container['name']}: {k}" for k, ok in checks.items() if not ok
        ]
    assert not problems


def test_long_running_containers_have_probes_on_real_ports(objects: list[Manifest]) -> None:
    problems = []
    for workload in workloads(objects, ("Deployment", "StatefulSet")):
        ports = ports_of(workload)
        for container in pod_spec(workload)["containers"]:
            for kind in ("readinessProbe", "livenessProbe"):
                probe = container.get(kind)
                if probe is None:
                    problems.append(f"{name(workload)}: no {kind}")
                    continue
                handler = probe.get("grpc") or probe.get("httpGet") or probe.get("tcpSocket")
                if handler is not None and handler["port"] not in ports:
                    problems.append(
                        f"{name(workload)}: {kind} on undeclared port {handler['port']}"
                    )
    assert not problems


def test_grpc_services_use_native_grpc_probes(objects: list[Manifest]) -> None:
    for workload, container, target in app_containers(objects):
        if workload["kind"] != "Deployment" or target == "gateway":
            continue
        grpc_ports = {
            p["containerPort"] for p in container["ports"] if p["name"].startswith("grpc")
        }
        for kind in ("readinessProbe", "livenessProbe"):
            assert container[kind]["grpc"]["port"] in grpc_ports, f"{name(workload)} {kind}"


def test_processes_get_a_bounded_writable_tmp(objects: list[Manifest]) -> None:
    for workload, container, _ in app_containers(objects):
        mount = next(m for m in container["volumeMounts"] if m["mountPath"] == "/tmp")
        volume = next(v for v in pod_spec(workload)["volumes"] if v["name"] == mount["name"])
        assert volume["emptyDir"]["sizeLimit"], name(workload)


def test_pods_neither_mount_tokens_nor_use_missing_accounts(objects: list[Manifest]) -> None:
    accounts = {sa["metadata"]["name"] for sa in of_kind(objects, "ServiceAccount")}
    for workload in workloads(objects):
        spec = pod_spec(workload)
        assert spec.get("automountServiceAccountToken") is False, name(workload)
        assert spec["serviceAccountName"] in accounts, name(workload)


def test_images_are_tagged_and_never_latest(objects: list[Manifest]) -> None:
    for workload, container in all_containers(objects):
        image = container["image"]
        tag = image.rsplit("/", 1)[-1].partition(":")[2].partition("@")[0]
        assert "@sha256:" in image or (tag and tag != "latest"), f"{name(workload)}: {image}"


def test_prod_pins_synthetica_images_to_a_release(rendered: dict[str, list[Manifest]]) -> None:
    tags = {APP_IMAGE.search(c["image"])["tag"] for _, c, _ in app_containers(rendered["prod"])}
    assert tags and all(re.fullmatch(r"\d+\.\d+\.\d+", tag) for tag in tags), tags


def test_commands_match_dockerfile_targets_and_modules(
    objects: list[Manifest], dockerfile: dict[str, Stage]
) -> None:
    seen = set()
    for workload, container, target in app_containers(objects):
        assert target in dockerfile, f"{container['image']}: no `--target {target}` stage"
        command = container["command"]
        assert command == dockerfile[target].entrypoint(), name(workload)
        module = command[-1]
        assert (REPO / module.replace(".", "/") / "__main__.py").is_file(), f"{module} missing"
        seen.add(target)
    assert seen == {"auth", "datasets", "training", "evaluation", "notify", "gateway"}


def test_roles_and_migrations_use_the_right_arguments(objects: list[Manifest]) -> None:
    migrated = set()
    for workload, container, target in app_containers(objects):
        args = container.get("args", [])
        if workload["kind"] == "Job":
            assert args == ["migrate"], name(workload)
            migrated.add(target)
        elif target == "training":
            assert args in (["api"], ["worker"]), name(workload)
        else:
            assert args == [], name(workload)
    assert migrated == MIGRATING_SERVICES


def test_training_runs_api_and_worker_roles(objects: list[Manifest]) -> None:
    roles = {
        tuple(c.get("args", []))
        for w, c, target in app_containers(objects)
        if target == "training" and w["kind"] == "Deployment"
    }
    assert roles == {("api",), ("worker",)}


def test_no_secret_is_committed(objects: list[Manifest]) -> None:
    assert not of_kind(objects, "Secret"), "the operator creates synthetica-secrets"
    leaks = [
        f"{name(w)}: {var['name']}"
        for w, c in all_containers(objects)
        for var in c.get("env", [])
        if SENSITIVE.search(var["name"]) and "valueFrom" not in var
    ]
    leaks += [
        f"{name(config)}: {key}"
        for config in of_kind(objects, "ConfigMap")
        for key in config.get("data", {})
        if SENSITIVE.search(key)
    ]
    assert not leaks


def test_every_secret_key_used_is_in_the_documented_command(objects: list[Manifest]) -> None:
    docs = (REPO / "docs" / "deploy.md").read_text()
    refs = {
        (var["valueFrom"]["secretKeyRef"]["name"], var["valueFrom"]["secretKeyRef"]["key"])
        for _, c in all_containers(objects)
        for var in c.get("env", [])
        if "secretKeyRef" in var.get("valueFrom", {})
    }
    assert {secret for secret, _ in refs} == {"synthetica-secrets"}
    undocumented = sorted(key for _, key in refs if f"--from-literal={key}=" not in docs)
    assert not undocumented, f"docs/deploy.md never tells the operator to create {undocumented}"


def test_referenced_config_maps_exist(objects: list[Manifest]) -> None:
    configs = {c["metadata"]["name"] for c in of_kind(objects, "ConfigMap")}
    for workload, container in all_containers(objects):
        for source in container.get("envFrom", []):
            assert source["configMapRef"]["name"] in configs, name(workload)


def test_service_addresses_and_grpc_ports_agree(objects: list[Manifest]) -> None:
    services = {s["metadata"]["name"]: s for s in of_kind(objects, "Service")}
    for workload, container, target in app_containers(objects):
        if workload["kind"] != "Deployment":
            continue
        env = pod_environment(objects, container)
        for service in ("auth", "datasets", "training", "evaluation", "notify"):
            host, _, port = env[f"SYNTHETICA_{service.upper()}_ADDR"].partition(":")
            service_ports = {p["port"] for p in services[host]["spec"]["ports"]}
            assert int(port) in service_ports, f"{name(workload)} -> {service}"
        if target != "gateway" and container.get("args") != ["worker"]:
            port = env[f"{target.upper()}_GRPC_PORT"]
            assert int(port) == ports_of(workload)["grpc"], name(workload)


def test_each_service_selects_exactly_one_pod_template(objects: list[Manifest]) -> None:
    for service in of_kind(objects, "Service"):
        # A Service selector is a plain label map, i.e. a selector's matchLabels.
        matches = selected(objects, {"matchLabels": service["spec"]["selector"]}, WORKLOAD_KINDS)
        assert len(matches) == 1, f"{name(service)} selects {[name(m) for m in matches]}"
        ports = ports_of(matches[0])
        for port in service["spec"]["ports"]:
            assert port.get("targetPort", port["port"]) in ports, f"{name(service)}: {port}"


def test_network_policies_protect_real_ports(objects: list[Manifest]) -> None:
    policies = of_kind(objects, "NetworkPolicy")
    assert policies
    for policy in policies:
        pods = selected(
            objects, policy["spec"]["podSelector"], ("Deployment", "StatefulSet", "Job")
        )
        assert pods, f"{name(policy)} selects no pod"
        for rule in policy["spec"].get("ingress", []):
            for port in rule.get("ports", []):
                unopened = [name(p) for p in pods if port["port"] not in ports_of(p)]
                assert not unopened, f"{name(policy)} port {port['port']} not open on {unopened}"


def test_ingress_is_denied_by_default(objects: list[Manifest]) -> None:
    deny = [
        p
        for p in of_kind(objects, "NetworkPolicy")
        if p["spec"]["podSelector"] == {}
        and "ingress" not in p["spec"]
        and "egress" not in p["spec"]
    ]
    assert deny and {"Ingress", "Egress"} <= set(deny[0]["spec"]["policyTypes"])


def test_only_the_gateway_is_reachable_from_outside(objects: list[Manifest]) -> None:
    # Beyond the gateway, other namespaces may only scrape metrics and read the NATS backlog.
    allowed_elsewhere = {9464, 8222}
    for policy in of_kind(objects, "NetworkPolicy"):
        pods = selected(objects, policy["spec"]["podSelector"], WORKLOAD_KINDS)
        for rule in policy["spec"].get("ingress", []):
            external = not rule.get("from") or any(
                "namespaceSelector" in peer or "ipBlock" in peer for peer in rule["from"]
            )
            ports = {port["port"] for port in rule.get("ports", [])}
            if external and not ports <= allowed_elsewhere:
                assert [pod_labels(p)["app.kubernetes.io/name"] for p in pods] == ["gateway"], name(
                    policy
                )
    exposed = [
        s
        for s in of_kind(objects, "Service")
        if s["spec"].get("type") in ("NodePort", "LoadBalancer")
    ]
    assert not exposed
    backends = {
        path["backend"]["service"]["name"]
        for ingress in of_kind(objects, "Ingress")
        for rule in ingress["spec"]["rules"]
        for path in rule["http"]["paths"]
    }
    assert backends == {"gateway"}


def test_every_long_running_workload_has_a_non_blocking_pdb(objects: list[Manifest]) -> None:
    budgets = of_kind(objects, "PodDisruptionBudget")
    for workload in workloads(objects, ("Deployment", "StatefulSet")):
        matching = [
            b for b in budgets if selector_matches(b["spec"]["selector"], pod_labels(workload))
        ]
        assert len(matching) == 1, name(workload)
        # minAvailable equal to the replica count would block every node drain.
        spec = matching[0]["spec"]
        assert (
            spec.get("maxUnavailable", 0) >= 1
            or spec["minAvailable"] < workload["spec"]["replicas"]
        )


def test_prod_runs_redundant_replicas(rendered: dict[str, list[Manifest]]) -> None:
    prod = rendered["prod"]
    for workload in workloads(prod, ("Deployment", "StatefulSet")):
        if workload["metadata"]["name"] == "training-worker":
            continue  # KEDA owns its replica count.
        assert workload["spec"]["replicas"] >= 2, name(workload)


@pytest.mark.parametrize("store", ["postgres", "minio"])
def test_only_dev_runs_its_own_stores(rendered: dict[str, list[Manifest]], store: str) -> None:
    def names(objects: list[Manifest]) -> set[str]:
        return {w["metadata"]["name"] for w in workloads(objects, ("StatefulSet",))}

    assert store in names(rendered["dev"])
    assert store not in names(rendered["prod"])


def load_settings(target: str, env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> Any:
    """Build the process's own Settings class from exactly this environment."""
    for key in os.environ:
        if key.startswith(ENV_PREFIXES):
            monkeypatch.delenv(key)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    module = importlib.import_module(
        "gateway.settings" if target == "gateway" else f"services.{target}.settings"
    )
    (cls,) = [
        obj
        for obj in vars(module).values()
        if isinstance(obj, type) and getattr(obj, "service_prefix", None) == f"{target.upper()}_"
    ]
    return cls()


def test_processes_load_their_settings_and_listen_where_probed(
    objects: list[Manifest], monkeypatch: pytest.MonkeyPatch
) -> None:
    for workload, container, target in app_containers(objects):
        if workload["kind"] == "Job":
            continue
        settings = load_settings(target, pod_environment(objects, container), monkeypatch)
        ports = ports_of(workload)
        if target == "gateway":
            bound = (settings.host, settings.port, ports["http"])
        elif container.get("args") == ["worker"]:
            bound = (settings.grpc_host, settings.worker_health_port, ports["grpc-health"])
        else:
            bound = (settings.grpc_host, settings.grpc_port, ports["grpc"])
        host, port, container_port = bound
        # A loopback listener is unreachable for probes, peers and the ingress.
        assert host not in ("127.0.0.1", "localhost", "::1"), name(workload)
        assert port == container_port, name(workload)
