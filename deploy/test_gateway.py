"""The gateway (deploy/gateway) in front of two `mingle serve` nodes on this machine, checked as
a client sees it: TLS and HTTP/2, the client's real address reaching the node (and a forged
X-Forwarded-For not), the body limit, cached assets, the per-address request limit, both
nodes taking connections, and a client chatting through it while one node restarts.

    python3 deploy/test_gateway.py --mingle target/debug/mingle --chat-check target/debug/chat_check

Uses Debian's nginx, openssl and curl, PostgreSQL (MINGLE_TEST_POSTGRES_URL) and Redis
(MINGLE_TEST_REDIS_URL), as `./dev test` sets them up. Exits non-zero on the first failure.
"""

import argparse
import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def curl(*args):
    """What curl prints (with `-w`, the fields asked for; with `-o /dev/null`, nothing else)."""
    result = subprocess.run(["curl", "-sk", "--max-time", "20", *args], capture_output=True, text=True)
    return result.stdout


def check(condition, what):
    if not condition:
        raise SystemExit(f"FAILED: {what}")
    print(f"ok: {what}", flush=True)


def wait_for(what, test, seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if test():
            return
        time.sleep(0.3)
    raise SystemExit(f"FAILED: {what} within {seconds} s")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--mingle", required=True)
    parser.add_argument("--chat-check", required=True)
    args = parser.parse_args()
    admin = os.environ.get("MINGLE_TEST_POSTGRES_URL", "postgres://postgres:postgres@127.0.0.1:5432/postgres")
    redis = os.environ.get("MINGLE_TEST_REDIS_URL", "redis://127.0.0.1:6379")
    work = tempfile.mkdtemp(prefix="mingle-gateway-")
    # nginx started as root runs its workers as `nobody`, which must reach the cache under here.
    os.chmod(work, 0o755)
    database = f"mingle_gateway_{secrets.token_hex(4)}"
    subprocess.run(["psql", admin, "-qc", f"CREATE DATABASE {database}"], check=True)
    url = admin.rsplit("/", 1)[0] + "/" + database
    processes = {}
    passed = False
    try:
        # Two nodes sharing PostgreSQL and Redis, trusting X-Forwarded-For: only the gateway
        # reaches them (they listen on loopback). The chat limit lets the client below write a
        # line every 50 ms.
        ports = [free_port(), free_port()]
        env = dict(os.environ,
                   DATABASE_URL=url, REDIS_URL=redis, MINGLE_MATCHER="in-process",
                   MINGLE_JWT_SECRET=secrets.token_hex(32), MINGLE_TRUST_FORWARDED_FOR="true",
                   MINGLE_CHAT_PER_MINUTE="1200",
                   MINGLE_WEB_DIR=os.path.join(ROOT, "clients/web/dist"), RUST_LOG="warn",
                   MINGLE_DATA_DIR=os.path.join(work, "data"))

        def start_node(i):
            log = open(os.path.join(work, f"node{i}.log"), "ab")
            processes[f"node{i}"] = subprocess.Popen(
                [args.mingle, "serve", "--listen", f"127.0.0.1:{ports[i]}"], env=env, stdout=log, stderr=log)
            wait_for(f"node {i} ready", lambda: curl(f"http://127.0.0.1:{ports[i]}/readyz", "-o", "/dev/null", "-w", "%{http_code}") == "200")

        for i in range(2):
            start_node(i)

        # The gateway with a self-signed certificate.
        tls = os.path.join(work, "tls")
        os.makedirs(tls)
        subprocess.run(
            ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "1",
             "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1", "-addext", "basicConstraints=critical,CA:FALSE",
             "-keyout", os.path.join(tls, "tls.key"), "-out", os.path.join(tls, "tls.crt")],
            check=True, capture_output=True)
        https, http = free_port(), free_port()
        gateway_env = dict(os.environ,
                           MINGLE_NODES=" ".join(f"127.0.0.1:{p}" for p in ports),
                           GATEWAY_PREFIX=os.path.join(work, "gateway"), GATEWAY_TLS_DIR=tls,
                           GATEWAY_HTTPS_PORT=str(https), GATEWAY_HTTP_PORT=str(http))
        access_log = os.path.join(work, "gateway.log")
        log = open(access_log, "ab")
        processes["gateway"] = subprocess.Popen(
            ["sh", os.path.join(ROOT, "deploy/gateway/start.sh")], env=gateway_env, stdout=log, stderr=log)
        base = f"https://127.0.0.1:{https}"
        wait_for("the gateway serves", lambda: curl(f"{base}/gateway/healthz") == "ok\n")

        # TLS and HTTP/2; plain HTTP is sent to HTTPS.
        check(curl("--http2", f"{base}/healthz", "-o", "/dev/null", "-w", "%{http_version} %{http_code}") == "2 200",
              "HTTP/2 over TLS through the gateway")
        check(curl(f"http://127.0.0.1:{http}/", "-o", "/dev/null", "-w", "%{http_code}") == "308",
              "plain HTTP is redirected to HTTPS")

        # The node sees the client's own address, from the last X-Forwarded-For hop the gateway
        # wrote, not what the client claims.
        email = f"gw-{secrets.token_hex(4)}@example.org"
        body = json.dumps({"email": email, "password": "correct horse battery", "display_name": "Gus"})
        answer = curl("--interface", "127.0.0.2", "-H", "content-type: application/json", "-H", "x-forwarded-for: 203.0.113.9",
                      "-d", body, f"{base}/api/v1/auth/register")
        token = json.loads(answer)["access_token"]
        sessions = json.loads(curl("-H", f"authorization: Bearer {token}", f"{base}/api/v1/me/sessions"))
        addresses = {s["address"] for s in sessions["items"]} if isinstance(sessions, dict) else {s["address"] for s in sessions}
        check(addresses == {"127.0.0.2"}, f"the node saw the client's address, not a forged one ({addresses})")

        # Bodies over the API's limit stop at the gateway.
        big = os.path.join(work, "big.json")
        with open(big, "w") as f:
            f.write('{"text": "' + "x" * 100_000 + '"}')
        check(curl("-H", "content-type: application/json", "--data-binary", f"@{big}", f"{base}/api/v1/auth/login",
                   "-o", "/dev/null", "-w", "%{http_code}") == "413", "a 100 KB body is refused with 413")

        # The web app's hashed assets are cached by the gateway.
        assets = os.listdir(os.path.join(ROOT, "clients/web/dist/assets"))
        asset = f"{base}/assets/{sorted(assets)[0]}"
        answers = [curl("-o", "/dev/null", "-w", "%{http_code} %header{x-cache-status}", asset) for _ in range(2)]
        check(answers == ["200 MISS", "200 HIT"], f"assets are served from the gateway's cache the second time ({answers})")

        # One address over its request rate gets 429s; another address is unaffected.
        # (300 requests take about 0.3 s here: far more than 100 plus 50 a second.)
        requests = [arg for _ in range(300) for arg in ("-o", "/dev/null", f"{base}/healthz")]
        codes = subprocess.run(
            ["curl", "-sk", "--interface", "127.0.0.3", "--parallel", "--parallel-max", "50",
             "-w", "%{http_code}\n", *requests],
            capture_output=True, text=True).stdout.split()
        check(codes.count("429") > 0 and codes.count("200") > 0,
              f"per-address request limit: {codes.count('200')} answered, {codes.count('429')} refused with 429")
        check(curl("--interface", "127.0.0.4", f"{base}/healthz", "-o", "/dev/null", "-w", "%{http_code}") == "200",
              "another address is still served")

        # A client (a writer and a reader) chats through the gateway while each node in turn
        # restarts (SIGTERM: it drains, closing WebSockets with 1012; then it starts again):
        # every acknowledged line arrives once, in order, and both nodes served connections.
        started, stop = os.path.join(work, "started"), os.path.join(work, "stop")
        chat = subprocess.Popen([args.chat_check, "--base", base, "--ca-cert", os.path.join(tls, "tls.crt"),
                                 "--started-file", started, "--stop-file", stop, "--max-secs", "180",
                                 "--pace-ms", "50"],
                                stdout=subprocess.PIPE, text=True)
        wait_for("the first chat line acknowledged", lambda: os.path.exists(started) or chat.poll() is not None, 60)
        for i in range(2):
            time.sleep(2)
            processes[f"node{i}"].terminate()
            processes[f"node{i}"].wait(timeout=60)
            start_node(i)
        time.sleep(2)
        open(stop, "w").close()
        out, _ = chat.communicate(timeout=300)
        check(chat.returncode == 0, f"chat through the gateway while both nodes restart in turn: {out.strip()}")
        report = json.loads(out)
        check(report["acknowledged"] > 0 and report["closes_1012"] > 0,
              f"lines were acknowledged ({report['acknowledged']}) and drains closed connections with 1012 "
              f"({report['closes_1012']})")
        with open(access_log) as f:
            nodes = set(re.findall(r"node=(127\.0\.0\.1:\d+)", f.read()))
        check({f"127.0.0.1:{p}" for p in ports} <= nodes, f"least-connections used both nodes ({sorted(nodes)})")
        passed = True
    finally:
        for process in processes.values():
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    process.kill()
        subprocess.run(["psql", admin, "-qc", f"DROP DATABASE IF EXISTS {database} WITH (FORCE)"], check=False)
        if passed:
            shutil.rmtree(work, ignore_errors=True)
        else:
            print(f"the nodes' and the gateway's logs: {work}", file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
