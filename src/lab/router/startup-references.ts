/**
 * `show startup-config` names the NVRAM file that holds each certificate instead of printing its DER dump, as real
 * devices do: ` certificate self-signed 01 nvram:IOS-Self-Sig#2.cer`, ` certificate ca 01 nvram:CiscoLicensi#1CA.cer`
 * (C9300 and Catalyst startup-configs in public GitHub config backups; pyATS' config-compare notes the same). The
 * file name is the subject CN without spaces cut to 12 characters, `#`, a hex counter, `CA` for CA certificates.
 * GUESS: the counter is this config's own sequence; on a device it is NVRAM's file number.
 */
import { parseCertificate } from '../../certs/x509.js';

const CERTIFICATE_LINE = /^ certificate (?:(self-signed|ca|rollover) )?([0-9A-Fa-f]+)$/;
const HEX_LINE = /^ {2}[0-9A-F]{2,8}( [0-9A-F]{2,8})* ?$/;
const QUIT_LINE = /^\s+quit$/;

function fileName(hex: string, type: string | undefined, counter: number): string {
  let cn = 'Certificate';
  try {
    cn = parseCertificate(Buffer.from(hex, 'hex')).commonName ?? cn;
  } catch {
    // A body the lab could not parse keeps a generic name; the reference is only a label.
  }
  return `nvram:${cn.replace(/\s+/g, '').slice(0, 12)}#${counter.toString(16).toUpperCase()}${type === 'ca' ? 'CA' : ''}.cer`;
}

export function withNvramReferences(config: string): string {
  const lines = config.split('\n');
  const out: string[] = [];
  let counter = 0;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    const m = CERTIFICATE_LINE.exec(line);
    if (!m || !HEX_LINE.test(lines[i + 1] ?? '')) {
      out.push(line);
      continue;
    }
    let hex = '';
    let j = i + 1;
    while (j < lines.length && HEX_LINE.test(lines[j] as string)) hex += (lines[j++] as string).replace(/\s+/g, '');
    if (QUIT_LINE.test(lines[j] ?? '')) j++;
    out.push(`${line} ${fileName(hex, m[1], ++counter)}`);
    i = j - 1;
  }
  return out.join('\n');
}
