#!/usr/bin/env python3
# Regenerates demo/control_logs: a passed run, a code-bug failure and an infrastructure failure,
# with log lines shaped like headscale's zerolog console output and tailscaled's std-log output
# (shared/headscale-facts.md §4). Deterministic (seeded). Python's sqlite3 writes the snapshot.
import json, os, sqlite3, random
random.seed(7)
root = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'demo', 'control_logs')
os.makedirs(root, exist_ok=True)

def w(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    open(path, 'w').write(text)

def hs_log(start_min, lines, errors):
    out = []
    t = 0
    out.append(f"2026-11-24T10:{start_min:02d}:05Z INF starting headscale commit=0123abcd version=dev")
    out.append(f"2026-11-24T10:{start_min:02d}:05Z INF listening and serving HTTP on: 0.0.0.0:8080")
    out.append(f"2026-11-24T10:{start_min:02d}:05Z INF listening and serving debug and metrics on: 0.0.0.0:9090")
    for i in range(lines):
        t += 1
        s = f"2026-11-24T10:{start_min + t // 60:02d}:{t % 60:02d}Z"
        nid = 1 + i % 4
        line_kinds = [
            f"INF hscontrol/poll.go:251 > node has connected chan=0xc000a1b2c0 component=poll machine.key=[AbCdE] node.expired=false node.id={nid} node.is_tagged=false node.key=[FgHiJ] node.name=ts-3fa9c1-head-0a1b2{nid} node.online=false omit_peers=false stream=true user.name=user1",
            f"DBG connection added conn.id={i} node.id={nid} total_connections={nid}",
            f"TRC writing MapResponse to /tmp/mapresponses/{nid}/2026-11-24T10-{start_min:02d}-{t % 60:02d}.123456789-change.json",
            "DBG hscontrol/util/log.go:21 > derp: derp-999 client connected",
            f"INF node connected machine.key=[AbCdE] node.id={nid} node.name=ts-3fa9c1-head-0a1b2{nid} node.online=true user.name=user1",
            f"TRC hscontrol/mapper/batcher.go:312 > generated map response node.id={nid} peers={3} type=change",
            "DBG hscontrol/state/node_store.go:188 > applied batch batch.size=2 component=nodestore",
        ]
        out.append(f"{s} {line_kinds[i % 7]}")
        if i in errors:
            out.append(errors[i].replace('{s}', s))
    return '\n'.join(out) + '\n'

def ts_log(host, lines, extra):
    out = ["2026/11/24 10:30:08 logtail started",
           '2026/11/24 10:30:08 Program starting: v1.94.1-t0123abcd, Go 1.25.5: []string{"tailscaled", "--tun=tsdev", "--verbose=10"}',
           "2026/11/24 10:30:08 LogID: " + "ab" * 32,
           "2026/11/24 10:30:09 control: RegisterReq: onode= node=[AbCdE] fup=false nks=false",
           "2026/11/24 10:30:09 control: RegisterReq: got response; nodeKeyExpired=false, machineAuthorized=true; authURL=false",
           "2026/11/24 10:30:09 Switching ipn state Starting -> Running (WantRunning=true, nm=true)",
           "2026/11/24 10:30:09 magicsock: derp-999 connected; connGen=1"]
    for i in range(lines):
        s = f"2026/11/24 10:{30 + i // 60:02d}:{i % 60:02d}"
        out.append(f"{s} [v1] magicsock: disco: node [FgHiJ] d:0123456789abcdef now using 172.18.0.{5 + i % 4}:41641" if i % 3 else f"{s} wgengine: Reconfig: configuring userspace WireGuard config (with 3/3 peers)")
        if i in extra:
            out.append(extra[i].replace('{s}', s))
    return '\n'.join(out) + '\n'

def ts_stdout():
    return "fetch https://dl-cdn.alpinelinux.org/alpine/v3.20/main/x86_64/APKINDEX.tar.gz\nOK: 12 MiB in 22 packages\nUpdating certificates in /etc/ssl/certs...\n1 added, 0 removed; done.\n"

def hs_stdout():
    return "Updating certificates in /etc/ssl/certs...\n0 added, 0 removed; done.\n(*types.Config)(0xc0001a2000)({\n ServerURL: (string) (len=27) \"http://hs-test:8080\",\n Addr: (string) (len=12) \"0.0.0.0:8080\",\n})\n"

def metrics():
    return """# HELP headscale_mapresponse_sent_total total count of mapresponses sent to clients
# TYPE headscale_mapresponse_sent_total counter
headscale_mapresponse_sent_total{status="ok",type="full"} 8
headscale_mapresponse_sent_total{status="ok",type="change"} 41
headscale_mapresponse_sent_total{status="error",type="change"} 2
# HELP headscale_nodestore_nodes number of nodes in the NodeStore
# TYPE headscale_nodestore_nodes gauge
headscale_nodestore_nodes 4
# HELP headscale_nodestore_operation_duration_seconds duration of NodeStore operations
# TYPE headscale_nodestore_operation_duration_seconds histogram
headscale_nodestore_operation_duration_seconds_bucket{operation="put",le="0.001"} 30
headscale_nodestore_operation_duration_seconds_bucket{operation="put",le="0.01"} 38
headscale_nodestore_operation_duration_seconds_bucket{operation="put",le="+Inf"} 40
headscale_nodestore_operation_duration_seconds_sum{operation="put"} 0.0712
headscale_nodestore_operation_duration_seconds_count{operation="put"} 40
# HELP go_goroutines Number of goroutines that currently exist.
# TYPE go_goroutines gauge
go_goroutines 187
# HELP process_resident_memory_bytes Resident memory size in bytes.
# TYPE process_resident_memory_bytes gauge
process_resident_memory_bytes 8.4467712e+07
"""

def status(host, peers):
    peer = {}
    for i, (name, online, routes) in enumerate(peers):
        peer[f"nodekey:{i:064x}"] = {"ID": str(i + 2), "HostName": name, "DNSName": f"{name}.user1.headscale.net.", "OS": "linux",
            "TailscaleIPs": [f"100.64.0.{i + 2}", f"fd7a:115c:a1e0::{i + 2}"], "AllowedIPs": [f"100.64.0.{i + 2}/32"] + routes,
            "PrimaryRoutes": routes or None, "Online": online, "Expired": False, "LastSeen": "2026-11-24T10:41:02Z", "Active": online}
    return json.dumps({"Version": "1.94.1-t0123abcd", "TUN": True, "BackendState": "Running", "TailscaleIPs": ["100.64.0.1"],
        "Self": {"ID": "1", "HostName": host, "Online": True, "TailscaleIPs": ["100.64.0.1"]},
        "Health": ["Some peers are advertising routes but --accept-routes is false"], "MagicDNSSuffix": "headscale.net", "Peer": peer}, indent=2)

def mapresp(kind, peers):
    return json.dumps({"KeepAlive": False, "Node": {"ID": 1, "Name": "ts-9be04d-head-aa11bb"},
        "Peers": [{"ID": p, "Name": f"ts-9be04d-head-{p:06x}", "PrimaryRoutes": (["10.33.0.0/16"] if p == 2 and kind != 'change' else [])} for p in peers]} if kind != 'self' else {"Node": {"ID": 1}}, indent=2)

def db(path):
    if os.path.exists(path): os.remove(path)
    c = sqlite3.connect(path)
    c.executescript("""
CREATE TABLE users (id integer PRIMARY KEY AUTOINCREMENT, name text, display_name text, created_at datetime);
CREATE TABLE nodes (id integer PRIMARY KEY AUTOINCREMENT, machine_key text, node_key text, hostname text, given_name varchar(63),
  user_id integer, ipv4 text, ipv6 text, approved_routes text, last_seen datetime, expiry datetime, created_at datetime);
CREATE TABLE policies (id integer PRIMARY KEY AUTOINCREMENT, data text, created_at datetime);
INSERT INTO users VALUES (1,'user1','User One','2026-11-24 10:30:05');
INSERT INTO nodes VALUES (1,'mkey:aa','nodekey:01','client','ts-9be04d-head-aa11bb',1,'100.64.0.1','fd7a:115c:a1e0::1','[]','2026-11-24 10:41:02',NULL,'2026-11-24 10:30:09');
INSERT INTO nodes VALUES (2,'mkey:bb','nodekey:02','router','ts-9be04d-head-cc22dd',1,'100.64.0.2','fd7a:115c:a1e0::2','["10.33.0.0/16"]','2026-11-24 10:41:01',NULL,'2026-11-24 10:30:10');
INSERT INTO policies VALUES (1,'{"acls":[{"action":"accept","src":["user1@"],"dst":["10.33.0.0/16:*"]}]}','2026-11-24 10:30:05');
""")
    c.commit(); c.close()

# 1. passed run: hi deleted the bulky artifacts, logs stay
r1 = f"{root}/20261124-101502-3fa9c1"
w(f"{r1}/hs-pingallbyip-a1b2c3.stderr.log", hs_log(15, 300, {}))
w(f"{r1}/hs-pingallbyip-a1b2c3.stdout.log", hs_stdout())
for h in ["ts-3fa9c1-head-0a1b2c", "ts-3fa9c1-1-94-1-d4e5f6"]:
    w(f"{r1}/{h}.stderr.log", ts_log(h, 200, {}))
    w(f"{r1}/{h}.stdout.log", ts_stdout())

# 2. failed run, code bug: ERR lines, a panic, Condition never satisfied
r2 = f"{root}/20261124-143011-9be04d"
panic = """{s} ERR hscontrol/state/state.go:912 > failed to update primary routes error="node 2: route 10.33.0.0/16 not approved" node.id=2
panic: runtime error: invalid memory address or nil pointer dereference
[signal SIGSEGV: segmentation violation code=0x1 addr=0x18 pc=0x1a2b3c4]

goroutine 412 [running]:
github.com/juanfont/headscale/hscontrol/routes.(*PrimaryRoutes).SetRoutes(0x0, 0x2, {0xc000b1c000, 0x1, 0x1})
	/go/src/headscale/hscontrol/routes/primary.go:88 +0x64
github.com/juanfont/headscale/hscontrol/state.(*State).updatePrimaryRoutes(0xc0001f4000, {0xc000a2e000})
	/go/src/headscale/hscontrol/state/state.go:915 +0x1d4
created by github.com/juanfont/headscale/hscontrol.(*mapSession).serveLongPoll in goroutine 388
	/go/src/headscale/hscontrol/poll.go:262 +0x8a5"""
w(f"{r2}/hs-subnetrouteacl-7f8e9d.stderr.log", hs_log(30, 500, {
    120: '{s} WRN hscontrol/poll.go:330 > node sent update with unknown endpoint node.id=2',
    250: '{s} ERR hscontrol/mapper/batcher.go:401 > failed to generate map response error="node 2 not found in NodeStore" node.id=2',
    400: panic}))
w(f"{r2}/hs-subnetrouteacl-7f8e9d.stdout.log", hs_stdout())
w(f"{r2}/ts-9be04d-head-aa11bb.stderr.log", ts_log("ts-9be04d-head-aa11bb", 300, {200: "{s} health(warnable=control-health): error: Unable to connect to the Tailscale coordination server"}))
w(f"{r2}/ts-9be04d-head-aa11bb.stdout.log", ts_stdout())
w(f"{r2}/ts-9be04d-head-cc22dd.stderr.log", ts_log("ts-9be04d-head-cc22dd", 300, {}))
w(f"{r2}/ts-9be04d-head-cc22dd.stdout.log", ts_stdout())
w(f"{r2}/ts-9be04d-head-aa11bb_status.json", status("ts-9be04d-head-aa11bb", [("router", True, ["10.33.0.0/16"]), ("other", False, [])]))
w(f"{r2}/ts-9be04d-head-aa11bb_netmap.json", json.dumps({"SelfNode": {"ID": 1}, "Peers": [{"ID": 2}]}, indent=2))
w(f"{r2}/hs-subnetrouteacl-7f8e9d_metrics.txt", metrics())
for nid in (1, 2):
    for k, kind in enumerate(["full", "change", "change", "policy", "self"]):
        w(f"{r2}/mapresponses/{nid}/2026-11-24T14-30-{20 + k * 7:02d}.{123456789 + k}-{kind}.json", mapresp(kind, [p for p in (1, 2, 3) if p != nid]))
db(f"{r2}/hs-subnetrouteacl-7f8e9d.db")

# 3. failed run, infrastructure: DNS resolution during logout
r3 = f"{root}/20261125-090144-c0ffee"
w(f"{r3}/hs-authwebflowlogout-5d6e7f.stderr.log", hs_log(1, 200, {}))
w(f"{r3}/hs-authwebflowlogout-5d6e7f.stdout.log", hs_stdout())
w(f"{r3}/ts-c0ffee-head-112233.stderr.log", ts_log("ts-c0ffee-head-112233", 150, {
    120: '{s} control: register request: Post "http://hs-authwebflowlogout-5d6e7f:8080/machine/register": failed to resolve "hs-authwebflowlogout-5d6e7f": no DNS fallback candidates remain for "hs-authwebflowlogout-5d6e7f"',
    121: '{s} Received error: register request: failed to resolve "hs-authwebflowlogout-5d6e7f": no DNS fallback candidates remain'}))
w(f"{r3}/ts-c0ffee-head-112233.stdout.log", ts_stdout())
w(f"{r3}/hs-authwebflowlogout-5d6e7f_metrics.txt", metrics())
db(f"{r3}/hs-authwebflowlogout-5d6e7f.db")
print("ok")
