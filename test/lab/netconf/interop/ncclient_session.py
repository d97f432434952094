"""ncclient 0.6.13 (Debian python3-ncclient) against the lab router's NETCONF port.

Usage: ncclient_session.py HOST PORT USER PASSWORD BASE STEPS
BASE is 1.1 (ncclient's default hello) or 1.0 (a hello offering only base:1.0, so end-of-message framing).
STEPS is a comma-separated list of: caps, getconfig, edit, lockdenied, candidate, discard, clirpc.
Prints one JSON object with what each step saw; the Jest test asserts on it and on the router's CLI view.
"""
import json
import sys

from ncclient import manager
from ncclient.devices.default import DefaultDeviceHandler
from ncclient.operations import RPCError
from ncclient.transport.session import NetconfBase
from ncclient.xml_ import to_ele

NATIVE = "http://cisco.com/ns/yang/Cisco-IOS-XE-native"
CRYPTO = "http://cisco.com/ns/yang/Cisco-IOS-XE-crypto"
CLI_RPC = "http://cisco.com/ns/yang/Cisco-IOS-XE-cli-rpc"


class Base10Handler(DefaultDeviceHandler):
    def get_capabilities(self):
        return [c for c in super().get_capabilities() if c != "urn:ietf:params:netconf:base:1.1"]


def trustpoint(name):
    return (
        f'<config><native xmlns="{NATIVE}"><crypto><pki xmlns="{CRYPTO}"><trustpoint><id>{name}</id>'
        "<enrollment><enrollment-method><terminal/></enrollment-method></enrollment>"
        "<revocation-check>none</revocation-check></trustpoint></pki></crypto></native></config>"
    )


def main():
    host, port, user, password, base, steps = sys.argv[1:7]
    params = {"handler": Base10Handler} if base == "1.0" else {"name": "default"}
    seen = {}
    m = manager.connect(
        host=host, port=int(port), username=user, password=password, hostkey_verify=False,
        allow_agent=False, look_for_keys=False, timeout=10, device_params=params,
    )
    seen["session_id"] = m.session_id
    # The framing ncclient settled on after the hellos (NetconfBase.BASE_10 or BASE_11).
    seen["framing"] = "BASE_11" if m._session._base == NetconfBase.BASE_11 else "BASE_10"
    for step in steps.split(","):
        if step == "caps":
            seen["caps"] = sorted(c for c in m.server_capabilities if c.startswith("urn:ietf:params:netconf:"))
        elif step == "getconfig":
            flt = ("subtree", f'<native xmlns="{NATIVE}"><hostname/></native>')
            seen["getconfig"] = m.get_config(source="running", filter=flt).data_xml
        elif step == "edit":
            seen["edit"] = m.edit_config(target="running", config=trustpoint(f"CA-NCC-{base}")).ok
            flt = ("subtree", f'<native xmlns="{NATIVE}"><crypto><pki xmlns="{CRYPTO}"><trustpoint><id>CA-CLI-NCC</id></trustpoint></pki></crypto></native>')
            seen["cli_made"] = m.get_config(source="running", filter=flt).data_xml
        elif step == "lockdenied":
            try:
                m.lock(target="running")
                seen["lockdenied"] = "locked"
            except RPCError as e:
                seen["lockdenied"] = {"tag": e.tag, "info": e.info}
        elif step == "candidate":
            m.edit_config(target="candidate", config=trustpoint("CA-NCC-CAND"))
            seen["candidate"] = m.commit().ok
        elif step == "discard":
            m.edit_config(target="candidate", config=trustpoint("CA-NCC-DISCARD"))
            seen["discard"] = m.discard_changes().ok
        elif step == "clirpc":
            clis = open(sys.argv[7]).read()
            rpc = f'<config-ios-cli-rpc xmlns="{CLI_RPC}"><config-clis>{clis}</config-clis></config-ios-cli-rpc>'
            seen["clirpc"] = m.dispatch(to_ele(rpc)).xml
    # close_session, not the context manager: its exit would send a second close-session.
    seen["closed"] = m.close_session().ok
    print(json.dumps(seen))


main()
