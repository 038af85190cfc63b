"""Shared by the load benchmarks (bench-submit, bench-live): several `essaim serve` on one
database, and the CPU each process used during the load, so that a figure says what limited it.

On one machine the database, the servers and the load generator share the cores: the CPU
split tells whether a figure is bound by the server, by PostgreSQL, or by the load itself.
"""
import os
import resource
import socket
import subprocess
import time
import urllib.request

TICKS = os.sysconf("SC_CLK_TCK")


def free_ports(count):
    """`count` distinct free ports: the sockets stay bound until all are chosen, or the system
    could hand out one port twice."""
    sockets = [socket.socket() for _ in range(count)]
    try:
        for s in sockets:
            s.bind(("127.0.0.1", 0))
        return [s.getsockname()[1] for s in sockets]
    finally:
        for s in sockets:
            s.close()


def start(binary, env, count, stderr=subprocess.DEVNULL):
    """Starts `count` servers on free ports; returns [(process, port)] once each answers /healthz."""
    servers = []
    for port in free_ports(count):
        process = subprocess.Popen([binary, "serve", "--bind", f"127.0.0.1:{port}"], env=env,
                                   stdout=subprocess.DEVNULL, stderr=stderr)
        servers.append((process, port))
    for _, port in servers:
        for _ in range(200):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1)
                break
            except OSError:
                time.sleep(0.05)
        else:
            stop(servers)
            raise SystemExit(f"le serveur du port {port} ne répond pas")
    return servers


def stop(servers):
    for process, _ in servers:
        process.terminate()
    for process, _ in servers:
        process.wait(timeout=60)


def cpu_seconds(pid):
    """User and system CPU time of a live process so far, in seconds (0 once it is gone)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    # After the command's closing parenthesis: state is field 0, utime 11, stime 12.
    return (int(fields[11]) + int(fields[12])) / TICKS


def postgres_cpu():
    """CPU seconds of every live process named postgres (the server and its backends)."""
    total = 0.0
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/comm") as f:
                if f.read().strip() != "postgres":
                    continue
        except OSError:
            continue
        total += cpu_seconds(int(entry))
    return total


def run_load(command):
    """Runs the load generator; returns (its standard output, its CPU seconds). The servers are
    still running, so the only child waited for meanwhile is the load generator."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    out = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return out, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


class CpuMeter:
    """CPU used by each server, by PostgreSQL and by the load between start() and stop()."""

    def __init__(self, servers):
        self.servers = servers

    def start(self):
        self.began = time.perf_counter()
        self.server_start = [cpu_seconds(p.pid) for p, _ in self.servers]
        self.pg_start = postgres_cpu()

    def stop(self, load_cpu):
        wall = time.perf_counter() - self.began
        servers = [cpu_seconds(p.pid) - s for (p, _), s in zip(self.servers, self.server_start)]
        return {"wall_s": wall, "servers_cpu_s": servers, "postgres_cpu_s": postgres_cpu() - self.pg_start,
                "load_cpu_s": load_cpu}


def describe_cpu(cpu):
    """`servers 61 %, 58 %; postgres 52 %; load 24 % (of one core)`."""
    wall = cpu["wall_s"] or 1.0
    pct = lambda s: f"{100 * s / wall:.0f} %"
    return (f"cpu (share of one core): servers {', '.join(pct(s) for s in cpu['servers_cpu_s'])}; "
            f"postgres {pct(cpu['postgres_cpu_s'])}; load {pct(cpu['load_cpu_s'])}")


def median_cpu(cpus):
    """The per-process medians of several runs' CPU (each as a share of its own run's wall time)."""
    import statistics
    med = statistics.median
    share = lambda c, s: s / (c["wall_s"] or 1.0)
    count = len(cpus[0]["servers_cpu_s"])
    return {"wall_s": 1.0,
            "servers_cpu_s": [med(share(c, c["servers_cpu_s"][i]) for c in cpus) for i in range(count)],
            "postgres_cpu_s": med(share(c, c["postgres_cpu_s"]) for c in cpus),
            "load_cpu_s": med(share(c, c["load_cpu_s"]) for c in cpus)}
