/** What IOS prints during `crypto pki authenticate` (dossier 3.3; transcripts in test/fixtures/iosxe), read back. */
/** The fingerprints IOS printed during `crypto pki authenticate`, and how it ended. */
export interface AuthenticateSeen {
  readonly md5?: string;
  readonly sha1?: string;
  /** The device asked `% Do you accept this certificate? [yes/no]:`. */
  readonly asked: boolean;
  /** `Certificate validated - fingerprints matched.` (pinned) or `... Signed by existing trustpoint CA certificate.` */
  readonly validatedByDevice: boolean;
  readonly accepted: boolean;
  readonly imported: boolean;
  /** Non-CA certificate pasted: `... is a subordinate CA. but certificate is not a CA certificate.` */
  readonly notACaCertificate: boolean;
}

export function parseAuthenticateOutput(seen: string): AuthenticateSeen {
  const hex = (label: string): string | undefined => {
    const m = new RegExp(String.raw`Fingerprint ${label}:\s*((?:[0-9A-Fa-f]{1,8} ?)+)`).exec(seen);
    return m?.[1] ? m[1].replace(/\s+/g, '').toUpperCase() : undefined;
  };
  const md5 = hex('MD5');
  const sha1 = hex('SHA1');
  return {
    asked: /Do you accept this certificate\? \[yes\/no\]:/.test(seen),
    validatedByDevice: /Certificate validated - /.test(seen),
    accepted: /Trustpoint CA certificate accepted\./.test(seen),
    imported: /% Certificate successfully imported/.test(seen),
    notACaCertificate: /but certificate is not a CA certificate/.test(seen),
    ...(md5 !== undefined && { md5 }),
    ...(sha1 !== undefined && { sha1 }),
  };
}
