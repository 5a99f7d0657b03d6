"""Plays the `podman` overlay (the dev overlay: two nodes, a matcher worker, PostgreSQL, Redis
and the gateway) with `podman kube play` on this machine, and restarts its nodes one by one.

    python3 deploy/play.py up        render, start everything, wait until the gateway serves
    python3 deploy/play.py restart   delete each server pod in turn and recreate it (a rolling
                                     restart: SIGTERM, drain with 1012, a new pod, ready again)
    python3 deploy/play.py down      remove the pods, secrets and network

`./dev play up|restart|down` runs it with the project's virtualenv (PyYAML, and kubectl for
kustomize, from deploy/requirements.txt) and CONTAINERS_CONF. Podman 4.3 plays Pods,
Deployments and ConfigMaps; for the rest of the overlay this script does what a cluster would:
each Secret becomes a podman secret (podman reads `secretKeyRef` from a secret holding the
Secret's data as JSON), the migration Job runs as a pod before the nodes start, each
Deployment's replicas are played as Pods of their own (see `pod_from_template` for why), and
Services, the Ingress, policies and autoscalers, which podman has no counterpart for, are left
out. The gateway's certificate is made here (self-signed, not a CA, in ~/.cache/mingle/play)
and is what clients trust: `--ca-cert ~/.cache/mingle/play/tls.crt`. The gateway serves on
https://127.0.0.1:8443.
"""

import base64
import json
import os
import subprocess
import sys
import tempfile
import time
import ssl
import urllib.request

import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OVERLAY = os.path.join(ROOT, "deploy/kubernetes/overlays/podman")
STATE = os.path.expanduser("~/.cache/mingle/play")
NETWORK = "mingle-dev"
GATEWAY = "https://127.0.0.1:8443"


def say(text):
    print(f"\033[1m==> {text}\033[0m", file=sys.stderr, flush=True)


def podman(*args, check=True, capture=False, stdin=None):
    result = subprocess.run(
        ["podman", *args],
        input=stdin,
        text=True,
        stdout=subprocess.PIPE if capture else subprocess.DEVNULL,
        stderr=subprocess.PIPE if capture else None,
        check=False,
    )
    if check and result.returncode != 0:
        raise SystemExit(f"podman {' '.join(args)} failed ({result.returncode}): {result.stderr or ''}")
    return result


def render():
    kubectl = os.environ.get("KUBECTL", "kubectl")
    out = subprocess.run([kubectl, "kustomize", OVERLAY], check=True, capture_output=True, text=True).stdout
    return [doc for doc in yaml.safe_load_all(out) if doc]


def play(docs, *extra):
    """Plays `docs` (one YAML stream) on the network."""
    with tempfile.NamedTemporaryFile("w", suffix=".yaml") as f:
        yaml.safe_dump_all(docs, f, sort_keys=False)
        f.flush()
        podman("kube", "play", "--network", NETWORK, *extra, f.name, capture=True)


def named(docs, kind, name):
    return next(d for d in docs if d["kind"] == kind and d["metadata"]["name"] == name)


def pod_from_template(name, template, restart_policy=None):
    """A Pod with a controller's pod template, as the controller would make it, and as podman
    4.3 can play it apart from its siblings. Podman makes each emptyDir a named volume called
    as the pod's volume is, shared by every pod that uses the name: here it is named after
    the pod, so each pod has its own, as in Kubernetes. And podman publishes every
    containerPort on the host under the same number, where Kubernetes publishes none (two
    nodes would both claim the host's 8080, PostgreSQL and Redis the host's own ports): only
    the ports that ask for a hostPort are kept."""
    spec = json.loads(json.dumps(template["spec"]))
    if restart_policy:
        spec["restartPolicy"] = restart_policy
    renamed = {v["name"]: f"{name}-{v['name']}" for v in spec.get("volumes", []) if "emptyDir" in v}
    for volume in spec.get("volumes", []):
        volume["name"] = renamed.get(volume["name"], volume["name"])
    for container in spec["containers"]:
        for mount in container.get("volumeMounts", []):
            mount["name"] = renamed.get(mount["name"], mount["name"])
        ports = [p for p in container.pop("ports", []) if p.get("hostPort")]
        if ports:
            container["ports"] = ports
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "labels": template["metadata"].get("labels", {})}, "spec": spec}


def replicas(docs, name):
    """The Deployment `name`'s pods, named as podman names a Deployment's (`<name>-pod-<n>`)."""
    deployment = named(docs, "Deployment", name)
    count = deployment["spec"].get("replicas", 1)
    return [pod_from_template(f"{name}-pod-{i}", deployment["spec"]["template"]) for i in range(count)]


def secret(name, data):
    """A podman secret holding `data` (key -> bytes) as podman's kube play reads it."""
    podman("secret", "rm", name, check=False, capture=True)
    payload = json.dumps({k: base64.b64encode(v).decode() for k, v in data.items()})
    podman("secret", "create", name, "-", stdin=payload, capture=True)


def certificate():
    """A self-signed certificate for localhost and 127.0.0.1, made once."""
    os.makedirs(STATE, exist_ok=True)
    crt, key = os.path.join(STATE, "tls.crt"), os.path.join(STATE, "tls.key")
    if not os.path.exists(crt):
        subprocess.run(
            ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
             "-days", "365", "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1", "-addext", "basicConstraints=critical,CA:FALSE",
             "-keyout", key, "-out", crt],
            check=True, capture_output=True,
        )
    return open(crt, "rb").read(), open(key, "rb").read()


def wait_for(what, test, seconds):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if test():
            return
        time.sleep(1)
    raise SystemExit(f"{what}: not ready within {seconds} s")


def in_pod(container, *command):
    return podman("exec", container, *command, check=False, capture=True).returncode == 0


def node_ready(pod):
    """What the readiness probe asks (podman runs no probes): /readyz answers 200."""
    return in_pod(f"{pod}-server", "curl", "-fsS", "-o", "/dev/null", "http://127.0.0.1:8080/readyz")


def gateway_ready():
    context = ssl.create_default_context(cafile=os.path.join(STATE, "tls.crt"))
    try:
        with urllib.request.urlopen(f"{GATEWAY}/readyz", context=context, timeout=3) as answer:
            return answer.status == 200
    except OSError:
        return False


def up():
    docs = render()
    down(quiet=True)
    if podman("network", "exists", NETWORK, check=False).returncode != 0:
        podman("network", "create", NETWORK, capture=True)
    for doc in docs:
        if doc["kind"] == "Secret":
            data = {k: v.encode() for k, v in doc.get("stringData", {}).items()}
            data.update({k: base64.b64decode(v) for k, v in doc.get("data", {}).items()})
            secret(doc["metadata"]["name"], data)
    crt, key = certificate()
    secret("mingle-gateway-tls", {"tls.crt": crt, "tls.key": key})
    configs = [d for d in docs if d["kind"] == "ConfigMap"]

    say("PostgreSQL and Redis")
    play(configs + replicas(docs, "postgres") + replicas(docs, "redis"))
    wait_for("PostgreSQL", lambda: in_pod("postgres-pod-0-postgres", "/usr/lib/postgresql/15/bin/pg_isready", "-q", "-h", "127.0.0.1"), 60)
    wait_for("Redis", lambda: in_pod("redis-pod-0-redis", "redis-cli", "ping"), 30)

    say("the migration Job, as a pod")
    job = named(docs, "Job", "mingle-migrate")
    play(configs + [pod_from_template("mingle-migrate", job["spec"]["template"], "Never")])
    code = podman("wait", "mingle-migrate-migrate", capture=True).stdout.strip()
    if code != "0":
        podman("logs", "mingle-migrate-migrate", check=False)
        raise SystemExit(f"the migration exited with {code}")
    podman("pod", "rm", "-f", "mingle-migrate", capture=True)

    say("nodes, matcher worker, gateway")
    nodes = replicas(docs, "mingle-server")
    play(configs + nodes + replicas(docs, "mingle-matcher"))
    for pod in (node["metadata"]["name"] for node in nodes):
        wait_for(pod, lambda pod=pod: node_ready(pod), 60)
    play(configs + replicas(docs, "mingle-gateway"))
    wait_for("the gateway", gateway_ready, 30)
    say(f"serving on {GATEWAY} (trust {os.path.join(STATE, 'tls.crt')})")


def restart():
    """Deletes each server pod and makes it again from the Deployment's template, one at a
    time, as a rolling update does. The new pod keeps the old one's address: podman has no
    Services, and the gateway found the nodes by name when it started."""
    docs = render()
    configs = [d for d in docs if d["kind"] == "ConfigMap"]
    for node in replicas(docs, "mingle-server"):
        pod = node["metadata"]["name"]
        grace = str(node["spec"].get("terminationGracePeriodSeconds", 30))
        inspect = podman("inspect", f"{pod}-server", "--format", "{{json .NetworkSettings.Networks}}", capture=True)
        address = json.loads(inspect.stdout)[NETWORK]["IPAddress"]
        say(f"restarting {pod} ({address}): SIGTERM, drain, new pod")
        started = time.monotonic()
        podman("pod", "stop", "-t", grace, pod, capture=True)
        podman("pod", "rm", pod, capture=True)
        play(configs + [node], "--ip", address)
        wait_for(pod, lambda: node_ready(pod), 60)
        say(f"{pod} ready again after {time.monotonic() - started:.1f} s")


def down(quiet=False):
    pods = podman("pod", "ps", "--format", "{{.Name}}", capture=True).stdout.split()
    ours = [p for p in pods if p.startswith(("mingle-", "postgres-pod-", "redis-pod-"))]
    # One at a time, podman takes about 4 s a pod; in parallel, about as long for all.
    removals = [subprocess.Popen(["podman", "pod", "rm", "-f", "-t", "5", pod], stdout=subprocess.DEVNULL,
                                 stderr=subprocess.DEVNULL) for pod in ours]
    for removal in removals:
        removal.wait()
    for name in ("mingle", "mingle-postgres", "mingle-gateway-tls"):
        podman("secret", "rm", name, check=False, capture=True)
    if not quiet:
        podman("network", "rm", "-f", NETWORK, check=False, capture=True)


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else ""
    actions = {"up": up, "restart": restart, "down": down}
    if command not in actions:
        raise SystemExit("usage: play.py up | restart | down")
    actions[command]()
