"""aioice 0.8.0 (Debian python3-aioice) as an interop peer speaking the line-based JSON protocol
of test/interop/peers/index.ts on stdin/stdout. By default host candidates on 127.0.0.1 only and no
STUN server; `--host-ip IP` gathers on that address instead (a lab namespace's LAN address) and
`--stun IP:PORT` adds server-reflexive candidates from that STUN server (the lab's coturn).
Run with /usr/bin/python3 (Debian's python sees dist-packages; a pyenv python3 does not).

Checks that arrive before the `remote` line are held and handed to aioice only once the role and the
remote credentials are applied (see hold_early_requests): the harness gives the role with `remote`,
and the other peer may already be checking by then."""
import argparse
import asyncio
import json
import sys
import threading
import time

from aioice import Candidate, Connection
from aioice import ice as aioice_ice

ARGS = argparse.ArgumentParser()
ARGS.add_argument("--host-ip", default="127.0.0.1")
ARGS.add_argument("--stun", default=None, help="IP:PORT of a STUN server inside the test's own network")
OPTS = ARGS.parse_args()

# One address only (network rules): aioice 0.8.0 gathers on every non-loopback interface otherwise.
aioice_ice.get_host_addresses = lambda use_ipv4, use_ipv6: [OPTS.host_ip]


def emit(obj):
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


def stdin_reader(loop, queue):
    for line in sys.stdin:
        loop.call_soon_threadsafe(queue.put_nowait, line)
    loop.call_soon_threadsafe(queue.put_nowait, None)  # EOF


async def connect_and_report(conn, t0):
    try:
        await conn.connect()
    except Exception as err:  # report every failure to the harness, which decides
        emit({"event": "failed", "ms": (time.monotonic() - t0) * 1000, "reason": repr(err)})
        return
    ms = (time.monotonic() - t0) * 1000
    pair = conn._nominated.get(1)
    selected = None
    if pair is not None:
        local = pair.protocol.local_candidate
        selected = {
            "local": {"ip": local.host, "port": local.port},
            "remote": {"ip": pair.remote_addr[0], "port": pair.remote_addr[1]},
        }
    emit({"event": "connected", "ms": ms, "selected": selected})


def hold_early_requests(conn):
    """Holds STUN requests that arrive before the `remote` line; returns release(), which hands them to
    aioice in arrival order and lets later ones through directly.

    Why: aioice 0.8.0 keeps a request that arrives before connect() as an "early check" and evaluates its
    USE-CANDIDATE only in connect(), under the role the agent has *then* (ice.py check_incoming: the flag
    counts only when controlled). The harness sets the role from the `remote` line, after the Connection
    was built controlled; an in-process peer (werift) can send its first checks before this process has
    read that line. Seen 2 in 40 runs of aioice (controlling) -> werift (controlled): werift's first check
    (ICE-CONTROLLED) met aioice still controlled and got 487, werift switched to controlling and sent its
    aggressive USE-CANDIDATE check, which aioice answered (success for werift: connected in ~20 ms) and
    queued; the harness then made aioice controlling, connect() dropped the USE-CANDIDATE, aioice's own
    checks got 487, it switched back to controlled with a succeeded but never nominated pair, and werift,
    already connected, never nominates again: aioice waits forever. Held until the role is known, the
    requests meet the agent in the state a signalled role gives it from the start; the responses go out a
    few ms late, well within the sender's retransmission timeout."""
    held = []
    original = conn.request_received
    released = False

    def request_received(message, addr, protocol, raw_data):
        if released:
            original(message, addr, protocol, raw_data)
        else:
            held.append((message, addr, protocol, raw_data))

    def release():
        nonlocal released
        released = True
        for args in held:
            original(*args)
        held.clear()

    conn.request_received = request_received
    return release


async def main():
    stun_server = None
    if OPTS.stun:
        ip, port = OPTS.stun.rsplit(":", 1)
        stun_server = (ip, int(port))
    conn = Connection(ice_controlling=False, components=1, stun_server=stun_server, use_ipv4=True, use_ipv6=False)
    release_early_requests = hold_early_requests(conn)
    await conn.gather_candidates()
    emit({
        "event": "local",
        "ufrag": conn.local_username,
        "pwd": conn.local_password,
        "candidates": [
            {"ip": c.host, "port": c.port, "priority": c.priority, "foundation": c.foundation, "type": c.type}
            for c in conn.local_candidates
        ],
    })
    loop = asyncio.get_running_loop()
    queue = asyncio.Queue()
    threading.Thread(target=stdin_reader, args=(loop, queue), daemon=True).start()
    task = None
    try:
        while True:
            line = await queue.get()
            if line is None:
                break
            line = line.strip()
            if not line:
                continue
            msg = json.loads(line)
            if msg.get("cmd") == "close":
                break
            remote = msg.get("remote")
            if remote is not None and task is None:
                conn.ice_controlling = bool(msg.get("controlling", False))
                conn.remote_username = remote["ufrag"]
                conn.remote_password = remote["pwd"]
                for c in remote["candidates"]:
                    await conn.add_remote_candidate(Candidate(
                        foundation=str(c["foundation"]), component=1, transport="udp", priority=int(c["priority"]),
                        host=c["ip"], port=int(c["port"]), type=c.get("type", "host")))
                await conn.add_remote_candidate(None)
                release_early_requests()
                task = asyncio.ensure_future(connect_and_report(conn, time.monotonic()))
    finally:
        if task is not None and not task.done():
            task.cancel()
        await conn.close()


if __name__ == "__main__":
    asyncio.run(main())
