/**
 * The CUBE playbook `certagent lab --cube N` writes next to its inventory: playbooks/cube-cucm-tls.yaml with the
 * lab's CallManager certificate file and a short trunk wait (the simulated CUCM answers at once; a real one
 * may need the 90 s of the example).
 */

export interface LabCubePlaybookOptions {
  /** The CallManager certificate, relative to the playbook (or absolute). */
  readonly callManagerFile: string;
  readonly identityTrustpoint: string;
  readonly cucmAddress: string;
  readonly cucmPort: number;
  readonly waitSeconds: number;
}

export function renderLabCubePlaybook(o: LabCubePlaybookOptions): string {
  const network = o.cucmAddress.replace(/\.\d+$/, '.0');
  return `# A TLS SIP trunk from each lab CUBE to the lab's simulated CUCM (written by \`certagent lab --cube N\`).
# The same steps as playbooks/cube-cucm-tls.yaml; read its comments for what each part does.
#
# The first rollout ends with exit 1: CUCM does not trust the CUBE yet. The run rolls the CUBE back and leaves
# ./cube-out/<device>/${o.identityTrustpoint}-ca.pem and ${o.identityTrustpoint}.pem; upload them to CUCM with
#   certagent lab cucm-trust --state-dir <lab state folder> cube-out/<device>/*.pem
# and run again: the trunk is Established and the CUBE saved.
name: lab-cube-cucm-tls
description: CUBE to the lab CUCM, SIP over TLS with SRTP, verified by an Established TLS connection

trustpoints:
  - name: CCM-cert-02
    pem_file: ${JSON.stringify(o.callManagerFile)}

cube:
  identity_trustpoint: ${o.identityTrustpoint}
  export_dir: ./cube-out/{device}
  sip_ua:
    tls_version: v1.2
    cn_san_validate_server: false
    remote_addrs:
      - { network: ${network}, mask: 255.255.255.0, trustpoint: ${o.identityTrustpoint} }
  voice_service_voip:
    srtp: fallback
    url_sips: true
  dial_peers:
    - { tag: 100, description: CUCM publisher, destination_pattern: "2...", target: ${o.cucmAddress}, port: ${o.cucmPort}, srtp: true, options_keepalive: true }

verify:
  certificates: [CCM-cert-02, ${o.identityTrustpoint}]
  tls_trunks:
    - { address: ${o.cucmAddress}, port: ${o.cucmPort}, wait_seconds: ${o.waitSeconds} }
`;
}
