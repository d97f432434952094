"""Drives a lab router with Netmiko 2.4.2 (cisco_ios) the way operators' scripts do; prints one JSON object.

Usage: netmiko_session.py HOST PORT USERNAME PASSWORD
"""
import json
import sys
import time

from netmiko import ConnectHandler


def main():
    host, port, username, password = sys.argv[1:5]
    started = time.time()
    conn = ConnectHandler(
        device_type="cisco_ios",
        host=host,
        port=int(port),
        username=username,
        password=password,
        allow_agent=False,
        use_keys=False,
        timeout=20,
    )
    result = {"prompt": conn.find_prompt()}
    result["show_version"] = conn.send_command("show version")
    result["config"] = conn.send_config_set(["ip host netmiko.lab 10.7.7.7", "interface GigabitEthernet2", " description by netmiko"])
    result["after"] = conn.send_command("show running-config | include ^ip host|description")
    # Netmiko 2.4.2 has no banner handling of its own: the banner's lines go out as plain config lines.
    result["banner_config"] = conn.send_config_set(["banner motd ^", "Authorized access only", "Disconnect now ^"])
    result["banner"] = conn.send_command("show running-config | include ^banner|Authorized|Disconnect")
    result["prompt_after"] = conn.find_prompt()
    conn.disconnect()
    result["seconds"] = round(time.time() - started, 2)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
