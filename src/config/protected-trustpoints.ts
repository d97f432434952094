/**
 * Trustpoints IOS XE makes and relies on itself: the licensing root (`SLA-TrustPoint`, Smart Licensing's CA), the
 * HTTPS/SSH self-signed identity (`TP-self-signed-N`) and the manufacturing identity (`CISCO_IDEVID_SUDI*`, the
 * SUDI certificate and its legacy chain). Replacing one breaks licensing or the device's own identity, so a playbook
 * may name one only with `take_over: true`. Pure.
 */

const BUILT_IN: readonly { readonly pattern: RegExp; readonly what: string }[] = [
  { pattern: /^SLA-TrustPoint$/i, what: "Cisco's Smart Licensing root CA" },
  { pattern: /^TP-self-signed-/i, what: "the router's own self-signed identity (HTTPS, RESTCONF)" },
  { pattern: /^CISCO_IDEVID_SUDI_LEGACY/i, what: "the router's manufacturing identity (SUDI, legacy chain)" },
  { pattern: /^CISCO_IDEVID_SUDI/i, what: "the router's manufacturing identity (SUDI)" },
];

/** What the built-in trustpoint `name` is, or undefined for a name IOS XE does not reserve. */
export function builtInTrustpoint(name: string): string | undefined {
  return BUILT_IN.find((b) => b.pattern.test(name))?.what;
}

export function builtInRefusal(name: string, what: string): string {
  return `trustpoint ${name} is built into IOS XE (${what}): certagent does not replace it; add take_over: true to this entry only if you mean to`;
}
