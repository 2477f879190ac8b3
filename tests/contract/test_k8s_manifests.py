"""Contract: the Kubernetes manifests under deploy/k8s.

kubectl and kustomize are not available where the tests run, so this module renders the kustomize
trees itself with the subset of kustomize the manifests use (resources, components, patches by
path - strategic merge or JSON 6902 - images, namespace). A kustomization that uses anything else
fails the test instead of being rendered wrongly. Every rendered document is validated against
the Kubernetes OpenAPI schemas shipped by `kubernetes_validate` (strict: unknown fields fail).

Properties checked (docs/adr/0002-deployment.md):
- every file a kustomization names exists, and every manifest file is named by a kustomization;
- every document validates, in base and in every overlay;
- every service Deployment runs `shared.runner <name>` with startup/liveness/readiness probes,
  requests and limits, the shared ConfigMap and the Secret by reference, an HPA and a PDB;
- ingress is denied by default and only the gateway takes traffic from outside the namespace
  (besides the metrics port from `monitoring`);
- no Secret values are committed.
"""
from __future__ import annotations

import copy
import re
from pathlib import Path

import kubernetes_validate
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
K8S = ROOT / "deploy" / "k8s"

# The newest schema set the package ships, and the oldest cluster version we deploy to.
K8S_VERSIONS = sorted({kubernetes_validate.latest_version(), "1.30.0"})

IMAGE = "xiangzhi"
CONFIGMAP = "xiangzhi-config"
SECRET = "xiangzhi-secrets"
GATEWAY = "gateway"
GATEWAY_PORT = 8000
MONITORING_NAMESPACE = "monitoring"
SERVICE_LABEL = ("app.kubernetes.io/component", "service")
POD_KINDS = {"Deployment", "StatefulSet", "Job", "DaemonSet", "ReplicaSet"}
CLUSTER_SCOPED_KINDS = {"Namespace", "ClusterRole", "ClusterRoleBinding", "PersistentVolume", "StorageClass"}

KUSTOMIZATION_KEYS = {"apiVersion", "kind", "namespace", "resources", "components", "patches", "images"}
PATCH_KEYS = {"path", "target"}
TARGET_KEYS = {"kind", "name", "labelSelector"}
IMAGE_KEYS = {"name", "newName", "newTag", "digest"}
# Strategic-merge keys of the lists the patches may touch.
MERGE_KEYS = {
    "containers": "name", "initContainers": "name", "env": "name", "volumes": "name", "volumeMounts": "mountPath",
}


# --------------------------------------------------------------------------------------------- loading


def load_documents(path: Path) -> list:
    with path.open(encoding="utf-8") as handle:
        return [doc for doc in yaml.safe_load_all(handle) if doc is not None]


def read_kustomization(directory: Path) -> dict:
    path = directory / "kustomization.yaml"
    assert path.is_file(), f"{directory} has no kustomization.yaml"
    (doc,) = load_documents(path)
    unknown = set(doc) - KUSTOMIZATION_KEYS
    assert not unknown, f"{path}: fields {sorted(unknown)} are not supported by this test's renderer"
    assert doc.get("kind") in {"Kustomization", "Component"}, f"{path}: kind {doc.get('kind')!r}"
    return doc


def kustomization_dirs() -> list[Path]:
    return sorted(path.parent for path in K8S.rglob("kustomization.yaml"))


def manifest_files() -> list[Path]:
    return sorted(
        path for path in K8S.rglob("*") if path.suffix in {".yaml", ".yml"} and path.name != "kustomization.yaml"
    )


def referenced_paths(directory: Path) -> dict[str, list[Path]]:
    doc = read_kustomization(directory)
    return {
        "resources": [(directory / entry).resolve() for entry in doc.get("resources", [])],
        "components": [(directory / entry).resolve() for entry in doc.get("components", [])],
        "patches": [(directory / patch["path"]).resolve() for patch in doc.get("patches", [])],
    }


def rel(path: Path) -> str:
    return str(path.relative_to(K8S))


# --------------------------------------------------------------------------------------------- rendering


def strategic_merge(base, patch):
    if isinstance(base, dict) and isinstance(patch, dict):
        merged = dict(base)
        for key, value in patch.items():
            if value is None:
                merged.pop(key, None)
            elif key in merged and isinstance(value, list) and key in MERGE_KEYS:
                merged[key] = merge_named_list(merged[key], value, MERGE_KEYS[key])
            elif key in merged:
                merged[key] = strategic_merge(merged[key], value)
            else:
                merged[key] = copy.deepcopy(value)
        return merged
    if isinstance(patch, list) and any(isinstance(item, dict) for item in patch):
        raise AssertionError(f"list of objects {patch!r} has no merge key known to this renderer")
    return copy.deepcopy(patch)


def merge_named_list(base: list, patch: list, key: str) -> list:
    merged = [copy.deepcopy(item) for item in base]
    for item in patch:
        for index, existing in enumerate(merged):
            if existing.get(key) == item.get(key):
                merged[index] = strategic_merge(existing, item)
                break
        else:
            merged.append(copy.deepcopy(item))
    return merged


def json_patch(doc: dict, operations: list) -> dict:
    doc = copy.deepcopy(doc)
    for operation in operations:
        op, path = operation["op"], operation["path"]
        assert op in {"add", "replace", "remove"}, f"JSON patch op {op!r} is not supported by this renderer"
        parts = [part.replace("~1", "/").replace("~0", "~") for part in path.lstrip("/").split("/")]
        parent = doc
        for part in parts[:-1]:
            parent = parent[int(part)] if isinstance(parent, list) else parent[part]
        last = parts[-1]
        if isinstance(parent, list):
            index = len(parent) if last == "-" else int(last)
            if op == "add":
                parent.insert(index, copy.deepcopy(operation["value"]))
            elif op == "replace":
                parent[index] = copy.deepcopy(operation["value"])
            else:
                del parent[index]
        else:
            if op in {"replace", "remove"}:
                assert last in parent, f"JSON patch {op} {path}: no such field"
            if op == "remove":
                del parent[last]
            else:
                parent[last] = copy.deepcopy(operation["value"])
    return doc


def matches_target(doc: dict, target: dict) -> bool:
    unknown = set(target) - TARGET_KEYS
    assert not unknown, f"patch target fields {sorted(unknown)} are not supported by this renderer"
    if "kind" in target and doc["kind"] != target["kind"]:
        return False
    if "name" in target and doc["metadata"]["name"] != target["name"]:
        return False
    if "labelSelector" in target:
        labels = doc["metadata"].get("labels", {})
        for requirement in target["labelSelector"].split(","):
            key, _, value = requirement.strip().partition("=")
            if labels.get(key) != value:
                return False
    return True


def apply_patches(directory: Path, patches: list, docs: list[dict]) -> list[dict]:
    for patch in patches:
        unknown = set(patch) - PATCH_KEYS
        assert not unknown, f"patch fields {sorted(unknown)} are not supported by this renderer"
        path = directory / patch["path"]
        content = load_documents(path)
        target = patch.get("target")
        if target is not None:
            selected = [i for i, doc in enumerate(docs) if matches_target(doc, target)]
            assert selected, f"{rel(path)}: target {target} selects nothing"
        if len(content) == 1 and isinstance(content[0], list):
            assert target is not None, f"{rel(path)}: a JSON patch needs a target"
            for i in selected:
                docs[i] = json_patch(docs[i], content[0])
            continue
        for fragment in content:
            if target is not None:
                fragment = copy.deepcopy(fragment)
                fragment["metadata"].pop("name", None)  # kustomize ignores the name when a target is given
                indices = selected
            else:
                indices = [
                    i
                    for i, doc in enumerate(docs)
                    if doc["kind"] == fragment["kind"] and doc["metadata"]["name"] == fragment["metadata"]["name"]
                ]
                assert len(indices) == 1, f"{rel(path)}: {fragment['kind']}/{fragment['metadata']['name']} not found"
            for i in indices:
                patched = strategic_merge(docs[i], fragment)
                assert patched != docs[i], f"{rel(path)} changes nothing in {docs[i]['metadata']['name']}"
                docs[i] = patched
    return docs


def pod_spec(doc: dict) -> dict | None:
    if doc["kind"] in POD_KINDS:
        return doc["spec"]["template"]["spec"]
    return None


def all_containers(doc: dict) -> list[dict]:
    spec = pod_spec(doc)
    if spec is None:
        return []
    return list(spec.get("initContainers", [])) + list(spec.get("containers", []))


def split_image(image: str) -> tuple[str, str | None]:
    name, _, digest = image.partition("@")
    if ":" in name.rsplit("/", 1)[-1]:
        name, tag = name.rsplit(":", 1)
        return name, tag
    return name, None


def apply_images(images: list, docs: list[dict]) -> None:
    for entry in images:
        unknown = set(entry) - IMAGE_KEYS
        assert not unknown, f"images fields {sorted(unknown)} are not supported by this renderer"
        hits = 0
        for doc in docs:
            for container in all_containers(doc):
                name, tag = split_image(container["image"])
                if name != entry["name"]:
                    continue
                hits += 1
                name = entry.get("newName", name)
                tag = entry.get("newTag", tag)
                digest = f"@{entry['digest']}" if "digest" in entry else ""
                container["image"] = name + (f":{tag}" if tag else "") + digest
        assert hits, f"image {entry['name']!r} is used by no container"


def build(directory: Path, accumulated: list[dict] | None = None) -> list[dict]:
    """Render a kustomization (or, with `accumulated`, apply a component to what is rendered so far)."""
    doc = read_kustomization(directory)
    is_component = doc["kind"] == "Component"
    assert is_component == (accumulated is not None), f"{rel(directory)}: {doc['kind']} used in the wrong place"
    docs = [copy.deepcopy(d) for d in accumulated] if is_component else []
    for entry in doc.get("resources", []):
        path = (directory / entry).resolve()
        docs.extend(build(path) if path.is_dir() else copy.deepcopy(load_documents(path)))
    for entry in doc.get("components", []):
        docs = build((directory / entry).resolve(), docs)
    docs = apply_patches(directory, doc.get("patches", []), docs)
    apply_images(doc.get("images", []), docs)
    if "namespace" in doc:
        for d in docs:
            if d["kind"] not in CLUSTER_SCOPED_KINDS:
                d["metadata"]["namespace"] = doc["namespace"]
    return docs


RENDER_ROOTS = ["base"] + [rel(path.parent) for path in sorted((K8S / "overlays").glob("*/kustomization.yaml"))]
_RENDERED: dict[str, list[dict]] = {}


def rendered(root: str) -> list[dict]:
    if root not in _RENDERED:
        _RENDERED[root] = build(K8S / root)
    return copy.deepcopy(_RENDERED[root])


def by_kind(docs: list[dict], kind: str) -> dict[str, dict]:
    return {doc["metadata"]["name"]: doc for doc in docs if doc["kind"] == kind}


def service_deployments(docs: list[dict]) -> dict[str, dict]:
    key, value = SERVICE_LABEL
    deployments = by_kind(docs, "Deployment")
    return {name: doc for name, doc in deployments.items() if doc["metadata"].get("labels", {}).get(key) == value}


def main_container(deployment: dict) -> dict:
    containers = deployment["spec"]["template"]["spec"]["containers"]
    named = [c for c in containers if c["name"] == deployment["metadata"]["name"]]
    assert len(named) == 1, f"{deployment['metadata']['name']}: no container named after the Deployment"
    return named[0]


def selector_matches(selector: dict, labels: dict) -> bool:
    assert set(selector) <= {"matchLabels"}, f"selector {selector} uses fields this test does not evaluate"
    return all(labels.get(key) == value for key, value in selector.get("matchLabels", {}).items())


CPU = re.compile(r"^(\d+(?:\.\d+)?)(m?)$")
MEMORY = re.compile(r"^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti|k|M|G|T)?$")
MEMORY_UNITS = {
    None: 1, "k": 10**3, "M": 10**6, "G": 10**9, "T": 10**12, "Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "Ti": 2**40,
}


def quantity(resource: str, value) -> float:
    text = str(value)
    if resource == "cpu":
        match = CPU.match(text)
        assert match, f"cpu quantity {text!r}"
        return float(match.group(1)) / (1000 if match.group(2) else 1)
    match = MEMORY.match(text)
    assert match, f"memory quantity {text!r}"
    return float(match.group(1)) * MEMORY_UNITS[match.group(2)]


def assert_requests_and_limits(where: str, container: dict) -> None:
    resources = container.get("resources", {})
    for resource in ("cpu", "memory"):
        request = resources.get("requests", {}).get(resource)
        limit = resources.get("limits", {}).get(resource)
        assert request is not None, f"{where}: no {resource} request"
        assert limit is not None, f"{where}: no {resource} limit"
        assert quantity(resource, request) <= quantity(resource, limit), f"{where}: {resource} request above limit"


# --------------------------------------------------------------------------------------------- (a) kustomizations


def test_kustomize_tree_has_base_dev_and_prod():
    assert (K8S / "base" / "kustomization.yaml").is_file()
    assert {"overlays/dev", "overlays/prod"} <= set(RENDER_ROOTS)


@pytest.mark.parametrize("directory", kustomization_dirs(), ids=rel)
def test_every_listed_file_exists(directory: Path):
    refs = referenced_paths(directory)
    for path in refs["resources"]:
        assert path.is_file() or (path / "kustomization.yaml").is_file(), f"{rel(directory)}: missing resource {path}"
        if path.is_dir():
            assert read_kustomization(path)["kind"] == "Kustomization", f"{path} is listed as a resource"
    for path in refs["components"]:
        assert (path / "kustomization.yaml").is_file(), f"{rel(directory)}: missing component {path}"
        assert read_kustomization(path)["kind"] == "Component", f"{path} is listed as a component"
    for path in refs["patches"]:
        assert path.is_file(), f"{rel(directory)}: missing patch {path}"


def test_every_manifest_file_is_listed_by_a_kustomization():
    listed = set()
    for directory in kustomization_dirs():
        refs = referenced_paths(directory)
        listed.update(refs["resources"] + refs["patches"])
    orphans = [rel(path) for path in manifest_files() if path.resolve() not in listed]
    assert not orphans, f"manifest files no kustomization lists (forgotten in a kustomization.yaml?): {orphans}"


# --------------------------------------------------------------------------------------------- (b) schemas


def patch_files() -> set[Path]:
    return {path for directory in kustomization_dirs() for path in referenced_paths(directory)["patches"]}


@pytest.mark.parametrize("version", K8S_VERSIONS)
@pytest.mark.parametrize(
    "path", [p for p in manifest_files() if p.resolve() not in patch_files()], ids=rel
)
def test_manifest_file_validates(path: Path, version: str):
    docs = load_documents(path)
    assert docs, f"{rel(path)} holds no document"
    for doc in docs:
        assert isinstance(doc, dict) and doc.get("metadata", {}).get("name"), f"{rel(path)}: document without a name"
        kubernetes_validate.validate(doc, version, strict=True)


@pytest.mark.parametrize("version", K8S_VERSIONS)
@pytest.mark.parametrize("root", RENDER_ROOTS)
def test_rendered_tree_validates(root: str, version: str):
    docs = rendered(root)
    identities = [(doc["kind"], doc["metadata"]["name"]) for doc in docs]
    duplicates = sorted({identity for identity in identities if identities.count(identity) > 1})
    assert not duplicates, f"{root}: duplicate objects {duplicates}"
    for doc in docs:
        kubernetes_validate.validate(doc, version, strict=True)


def test_no_secret_values_are_committed():
    secret_like = re.compile(r"(KEY|SECRET|PASSWORD|PASS|TOKEN|_URI)$")
    for path in manifest_files():
        for doc in load_documents(path):
            if not isinstance(doc, dict):
                continue
            assert doc.get("kind") != "Secret", f"{rel(path)}: Secret objects are created outside the repository"
            if doc.get("kind") == "ConfigMap":
                leaked = [key for key in doc.get("data", {}) if secret_like.search(key)]
                assert not leaked, f"{rel(path)}: secret-like keys {leaked} in a ConfigMap"
            if "metadata" in doc and doc.get("kind") in POD_KINDS:
                for container in all_containers(doc):
                    for var in container.get("env", []):
                        if secret_like.search(var["name"]):
                            assert "value" not in var, f"{rel(path)}: {var['name']} has a literal value"


# --------------------------------------------------------------------------------------------- (c) services


@pytest.mark.parametrize("root", RENDER_ROOTS)
def test_service_deployments_run_the_runner_with_probes_and_resources(root: str):
    docs = rendered(root)
    services = service_deployments(docs)
    assert {GATEWAY, "grid"} <= set(services), f"{root}: service Deployments {sorted(services)}"
    config = by_kind(docs, "ConfigMap")[CONFIGMAP]["data"]
    metrics_port = int(config["METRICS_PORT"])
    for name, deployment in services.items():
        where = f"{root}: {name}"
        template = deployment["spec"]["template"]
        container = main_container(deployment)
        assert split_image(container["image"])[0].rsplit("/", 1)[-1] == IMAGE, f"{where}: image {container['image']}"
        assert "command" not in container, f"{where}: the image's entrypoint (shared.runner) must run"
        assert container.get("args") == [name], f"{where}: args {container.get('args')}"

        for probe in ("startupProbe", "livenessProbe", "readinessProbe"):
            assert probe in container, f"{where}: no {probe}"
        if name == GATEWAY:
            ports = {port["name"]: port["containerPort"] for port in container["ports"]}
            assert ports.get("http") == GATEWAY_PORT
            for probe, path in (("livenessProbe", "/health"), ("readinessProbe", "/ready")):
                http = container[probe].get("httpGet")
                assert http and http["path"] == path, f"{where}: {probe} must GET {path}"
                assert ports.get(http["port"], http["port"]) == GATEWAY_PORT
            env = {var["name"]: var.get("value") for var in container.get("env", [])}
            assert env.get("GATEWAY_BIND") == "0.0.0.0", f"{where}: gateway must bind all interfaces"
        else:
            for probe in ("startupProbe", "livenessProbe", "readinessProbe"):
                command = container[probe].get("exec", {}).get("command")
                assert command == ["python", "-m", "shared.probe", name], f"{where}: {probe} {command}"

        assert_requests_and_limits(where, container)
        for init in template["spec"].get("initContainers", []):
            assert_requests_and_limits(f"{where} init {init['name']}", init)

        annotations = template["metadata"].get("annotations", {})
        assert annotations.get("prometheus.io/scrape") == "true", f"{where}: not scraped"
        assert int(annotations["prometheus.io/port"]) == metrics_port, f"{where}: scrape port"
        assert {"name": "metrics", "containerPort": metrics_port, "protocol": "TCP"} in container["ports"]

        sources = container.get("envFrom", [])
        assert sources[0] == {"configMapRef": {"name": CONFIGMAP}}, f"{where}: envFrom {sources}"
        assert sources[-1] == {"secretRef": {"name": SECRET}}, f"{where}: the Secret must come last (it wins)"


@pytest.mark.parametrize("root", RENDER_ROOTS)
def test_topology_job_declares_the_broker_topology(root: str):
    docs = rendered(root)
    topology = ["python", "-m", "shared.topology"]
    jobs = [
        job for job in by_kind(docs, "Job").values()
        if job["spec"]["template"]["spec"]["containers"][0].get("command") == topology
    ]
    assert len(jobs) == 1, f"{root}: expected one topology Job"
    (job,) = jobs
    container = job["spec"]["template"]["spec"]["containers"][0]
    assert split_image(container["image"])[0].rsplit("/", 1)[-1] == IMAGE, "the Job runs the services' image"
    assert container.get("envFrom") == [{"configMapRef": {"name": CONFIGMAP}}, {"secretRef": {"name": SECRET}}]
    assert job["spec"]["template"]["spec"]["restartPolicy"] in {"OnFailure", "Never"}
    assert job["spec"].get("backoffLimit", 6) >= 1 and job["spec"].get("activeDeadlineSeconds"), "bounded retries"


@pytest.mark.parametrize("root", RENDER_ROOTS)
def test_every_service_has_an_hpa_and_a_pdb(root: str):
    docs = rendered(root)
    hpas = by_kind(docs, "HorizontalPodAutoscaler").values()
    pdbs = by_kind(docs, "PodDisruptionBudget").values()
    for name, deployment in service_deployments(docs).items():
        assert "replicas" not in deployment["spec"], f"{root}: {name} sets replicas; the HPA owns them"
        reference = {"apiVersion": "apps/v1", "kind": "Deployment", "name": name}
        targets = [h for h in hpas if h["spec"]["scaleTargetRef"] == reference]
        assert len(targets) == 1, f"{root}: {name} needs exactly one HPA"
        assert targets[0]["apiVersion"] == "autoscaling/v2"
        assert 1 <= targets[0]["spec"]["minReplicas"] <= targets[0]["spec"]["maxReplicas"]
        labels = deployment["spec"]["template"]["metadata"]["labels"]
        budgets = [p for p in pdbs if selector_matches(p["spec"]["selector"], labels)]
        assert len(budgets) == 1, f"{root}: {name} needs exactly one PodDisruptionBudget"
        assert selector_matches(deployment["spec"]["selector"], labels)


@pytest.mark.parametrize("root", RENDER_ROOTS)
def test_every_workload_is_non_root_and_bounded(root: str):
    for doc in rendered(root):
        spec = pod_spec(doc)
        if spec is None:
            continue
        where = f"{root}: {doc['kind']}/{doc['metadata']['name']}"
        security = spec.get("securityContext", {})
        assert security.get("runAsNonRoot") is True, f"{where}: runAsNonRoot"
        assert security.get("seccompProfile", {}).get("type") == "RuntimeDefault", f"{where}: seccomp"
        assert spec.get("automountServiceAccountToken") is False, f"{where}: no API token needed"
        for container in all_containers(doc):
            cwhere = f"{where} container {container['name']}"
            assert container.get("image"), f"{cwhere}: no image (a patch naming a wrong container?)"
            assert_requests_and_limits(cwhere, container)
            context = container.get("securityContext", {})
            assert context.get("allowPrivilegeEscalation") is False, f"{cwhere}: allowPrivilegeEscalation"
            assert context.get("capabilities", {}).get("drop") == ["ALL"], f"{cwhere}: capabilities"


@pytest.mark.parametrize("root", [r for r in RENDER_ROOTS if r.startswith("overlays/")])
def test_overlays_set_namespace_and_registry_image(root: str):
    docs = rendered(root)
    namespaces = by_kind(docs, "Namespace")
    assert len(namespaces) == 1, f"{root}: one Namespace"
    (namespace,) = namespaces
    for doc in docs:
        if doc["kind"] != "Namespace":
            assert doc["metadata"].get("namespace") == namespace, f"{root}: {doc['metadata']['name']} elsewhere"
        for container in all_containers(doc):
            name, tag = split_image(container["image"])
            if name.rsplit("/", 1)[-1] == IMAGE:
                assert "/" in name and tag, f"{root}: image {container['image']} not from the registry with a tag"


def test_production_pins_the_image_and_keeps_two_replicas_through_a_drain():
    docs = rendered("overlays/prod")
    for deployment in service_deployments(docs).values():
        _, tag = split_image(main_container(deployment)["image"])
        assert re.fullmatch(r"\d+\.\d+\.\d+", tag or ""), f"production image tag {tag!r} must be a release version"
    for hpa in by_kind(docs, "HorizontalPodAutoscaler").values():
        assert hpa["spec"]["minReplicas"] >= 3
    for pdb in by_kind(docs, "PodDisruptionBudget").values():
        assert pdb["spec"].get("maxUnavailable") == 1


def test_infra_component_runs_a_replica_set_and_a_managed_broker():
    docs = rendered("overlays/dev")
    statefulsets = by_kind(docs, "StatefulSet")
    assert {"mongo", "rabbitmq"} <= set(statefulsets)
    for statefulset in statefulsets.values():
        assert statefulset["spec"].get("volumeClaimTemplates"), f"{statefulset['metadata']['name']}: no PVC template"
    mongo = statefulsets["mongo"]["spec"]["template"]["spec"]["containers"][0]
    args = mongo.get("args", [])
    assert "--replSet" in args and args[args.index("--replSet") + 1] == "rs0"
    commands = [" ".join(c.get("command", [])) for job in by_kind(docs, "Job").values() for c in all_containers(job)]
    assert any("rs.initiate" in command for command in commands), "no Job initiates the replica set"
    rabbitmq = statefulsets["rabbitmq"]["spec"]["template"]["spec"]["containers"][0]
    assert rabbitmq["image"].startswith("rabbitmq:") and rabbitmq["image"].endswith("-management")


# --------------------------------------------------------------------------------------------- (c) network


def is_external_peer(peer: dict) -> bool:
    return "ipBlock" in peer or "namespaceSelector" in peer


def is_monitoring_peer(peer: dict) -> bool:
    return set(peer) == {"namespaceSelector"} and peer["namespaceSelector"] == {
        "matchLabels": {"kubernetes.io/metadata.name": MONITORING_NAMESPACE}
    }


def metrics_ports(docs: list[dict]) -> set[int]:
    ports = set()
    for doc in docs:
        if pod_spec(doc) is not None:
            annotations = doc["spec"]["template"]["metadata"].get("annotations", {})
            if "prometheus.io/port" in annotations:
                ports.add(int(annotations["prometheus.io/port"]))
    return ports


def selected_workloads(policy: dict, docs: list[dict]) -> set[str]:
    selector = policy["spec"]["podSelector"]
    return {
        f"{doc['kind']}/{doc['metadata']['name']}"
        for doc in docs
        if pod_spec(doc) is not None
        and selector_matches(selector, doc["spec"]["template"]["metadata"].get("labels", {}))
    }


@pytest.mark.parametrize("root", RENDER_ROOTS)
def test_ingress_is_denied_by_default(root: str):
    policies = by_kind(rendered(root), "NetworkPolicy").values()
    deny = [
        p for p in policies
        if p["spec"]["podSelector"] == {}
        and "Ingress" in p["spec"].get("policyTypes", [])
        and not p["spec"].get("ingress")
    ]
    assert deny, f"{root}: no default-deny ingress policy"


@pytest.mark.parametrize("root", RENDER_ROOTS)
def test_only_the_gateway_takes_ingress_from_outside(root: str):
    docs = rendered(root)
    allowed_metrics = metrics_ports(docs)
    gateway_open = False
    for policy in by_kind(docs, "NetworkPolicy").values():
        for rule in policy["spec"].get("ingress", []):
            peers = rule.get("from") or []
            if peers and not any(is_external_peer(peer) for peer in peers):
                continue  # from pods of this namespace only
            ports = [(p.get("protocol", "TCP"), p.get("port")) for p in rule.get("ports", [])]
            where = f"{root}: NetworkPolicy {policy['metadata']['name']}"
            if peers and all(is_monitoring_peer(peer) for peer in peers):
                assert ports and all(port in allowed_metrics for _, port in ports), f"{where}: metrics ports only"
                continue
            assert selected_workloads(policy, docs) == {f"Deployment/{GATEWAY}"}, (
                f"{where} admits traffic from outside the namespace to {sorted(selected_workloads(policy, docs))}"
            )
            assert ports == [("TCP", GATEWAY_PORT)], f"{where}: the gateway is open on {ports}"
            gateway_open = True
    assert gateway_open, f"{root}: no policy lets traffic reach the gateway"
