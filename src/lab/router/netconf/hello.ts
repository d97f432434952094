/**
 * The lab's NETCONF hello. Protocol capabilities as the IOS XE 17.15.1 C8000v announces them
 * (real-outputs/netconf_hello_c8000v_17_15_1.txt, from YangModels/yang vendor/cisco/xe/17151/capability-c8000v.xml),
 * followed by the ietf-netconf module line and notification:1.1 the device lists; the ~350 module lines of the
 * capture are left out (IOS XE announces its Cisco-IOS-XE-* modules through yang-library, not the hello).
 * The capture has no :confirmed-commit; the lab offers it only when asked (LabRouterOptions.netconfConfirmedCommit).
 */
import { escapeText } from '../../../transport/netconf/xml.js';

export const BASE_1_0 = 'urn:ietf:params:netconf:base:1.0';
export const BASE_1_1 = 'urn:ietf:params:netconf:base:1.1';
export const CONFIRMED_COMMIT_1_1 = 'urn:ietf:params:netconf:capability:confirmed-commit:1.1';

const CAPABILITIES: readonly string[] = [
  BASE_1_0,
  BASE_1_1,
  'urn:ietf:params:netconf:capability:writable-running:1.0',
  'urn:ietf:params:netconf:capability:candidate:1.0',
  'urn:ietf:params:netconf:capability:rollback-on-error:1.0',
  'urn:ietf:params:netconf:capability:validate:1.0',
  'urn:ietf:params:netconf:capability:validate:1.1',
  'urn:ietf:params:netconf:capability:xpath:1.0',
  'urn:ietf:params:netconf:capability:notification:1.0',
  'urn:ietf:params:netconf:capability:interleave:1.0',
  'urn:ietf:params:netconf:capability:partial-lock:1.0',
  'urn:ietf:params:netconf:capability:with-defaults:1.0?basic-mode=explicit&also-supported=report-all-tagged,report-all',
  'urn:ietf:params:netconf:capability:with-operational-defaults:1.0?basic-mode=explicit&also-supported=report-all-tagged,report-all',
  'urn:ietf:params:netconf:capability:yang-library:1.0?revision=2019-01-04&module-set-id=41d600e450415594daebd0fd3fbffb94',
  'urn:ietf:params:netconf:capability:yang-library:1.1?revision=2019-01-04&content-id=41d600e450415594daebd0fd3fbffb94',
  'http://tail-f.com/ns/netconf/actions/1.0',
  'urn:ietf:params:xml:ns:netconf:base:1.0?module=ietf-netconf&revision=2011-06-01&features=writable-running,candidate,rollback-on-error,validate,xpath',
  'urn:ietf:params:netconf:capability:notification:1.1',
];

export function serverCapabilities(confirmedCommit: boolean): string[] {
  if (!confirmedCommit) return [...CAPABILITIES];
  const at = CAPABILITIES.indexOf('urn:ietf:params:netconf:capability:candidate:1.0') + 1;
  return [...CAPABILITIES.slice(0, at), CONFIRMED_COMMIT_1_1, ...CAPABILITIES.slice(at)];
}

export function helloXml(capabilities: readonly string[], sessionId: number): string {
  const caps = capabilities.map((c) => `<capability>${escapeText(c)}</capability>`).join('');
  return `<?xml version="1.0" encoding="UTF-8"?>\n<hello xmlns="urn:ietf:params:xml:ns:netconf:base:1.0"><capabilities>${caps}</capabilities><session-id>${sessionId}</session-id></hello>`;
}
