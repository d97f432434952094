#!/usr/bin/python3
"""The benchmark's comparison: the same trustpoint work certagent does, done the straightforward Netmiko way.

Reads a job (JSON) on stdin: devices, credentials, concurrency and the steps certagent planned for a fresh router
(config blocks and `crypto pki authenticate` dialogs). For each device, in a thread pool of the same concurrency:
ConnectHandler(device_type='cisco_ios'), send_config_set for each config block, the authenticate dialog with
send_command_timing/write_channel/read_channel (paste the PEM, answer yes), then write memory. No proof that mail goes out and
no rollback: Netmiko has neither; this is the lower end of what a script does.

Writes one JSON object to stdout: {"seconds": wall time, "devices": n, "ok": n, "failures": [...]}.
Run with Debian's python3-netmiko (2.4.2): /usr/bin/python3 bench/netmiko_rollout.py < job.json
"""
import json
import sys
import time
from concurrent.futures import ThreadPoolExecutor

from netmiko import ConnectHandler


def authenticate(conn, trustpoint, pem):
    out = conn.send_command_timing("crypto pki authenticate " + trustpoint)
    if "End with a blank line" not in out:
        raise RuntimeError("no paste prompt after crypto pki authenticate %s: %r" % (trustpoint, out[-200:]))
    # The PEM, then the empty line that ends the paste.
    conn.write_channel(pem.rstrip("\n") + "\n\n")
    # Polled as Netmiko itself reads (its read_until_pattern timed out here although the question had arrived).
    # A CA signed by a trustpoint already there is accepted without the question.
    seen = ""
    deadline = time.time() + 60
    while "[yes/no]" not in seen and not ("successfully imported" in seen and seen.rstrip().endswith("#")):
        if time.time() > deadline:
            raise RuntimeError("no accept question for %s: %r" % (trustpoint, seen[-200:]))
        time.sleep(0.1)
        seen += conn.read_channel()
    out = conn.send_command("yes", expect_string=r"\(config\)#", strip_prompt=False) if "[yes/no]" in seen else seen
    if "successfully imported" not in out:
        raise RuntimeError("certificate for %s not accepted: %r" % (trustpoint, out[-200:]))


def rollout(job, device):
    conn = ConnectHandler(
        device_type="cisco_ios",
        host=device["host"],
        port=device["port"],
        username=job["username"],
        password=job["password"],
        secret=job["secret"],
    )
    try:
        for step in job["steps"]:
            if step["kind"] == "config":
                out = conn.send_config_set(step["lines"])
                if "% Invalid" in out or "% Incomplete" in out:
                    raise RuntimeError("config refused: %r" % out[-300:])
            else:
                conn.config_mode()
                authenticate(conn, step["trustpoint"], step["pem"])
                conn.exit_config_mode()
        out = conn.save_config()
        if "[OK]" not in out:
            raise RuntimeError("write memory did not confirm: %r" % out[-200:])
    finally:
        conn.disconnect()


def main():
    job = json.load(sys.stdin)
    failures = []

    def one(device):
        try:
            rollout(job, device)
            return True
        except Exception as err:  # every failure is reported, none stops the others
            failures.append({"device": device["name"], "error": str(err)[:300]})
            return False

    started = time.time()
    with ThreadPoolExecutor(max_workers=job["concurrency"]) as pool:
        ok = sum(1 for done in pool.map(one, job["devices"]) if done)
    json.dump({"seconds": time.time() - started, "devices": len(job["devices"]), "ok": ok, "failures": failures}, sys.stdout)


if __name__ == "__main__":
    main()
