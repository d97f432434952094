/**
 * The paste part of the `crypto pki authenticate` and `crypto pki import` dialogs: base64 lines (BEGIN/END
 * lines accepted) up to an empty line or the word `quit` on a line by itself.
 */
import type { CertificateFacts } from '../../../certs/types.js';
import { parseCertificates } from '../../../certs/x509.js';
import type { SessionIo } from '../feature.js';

/** Reads pasted lines up to an empty line or `quit` (the terminator is not part of the certificate). */
export async function readPaste(io: SessionIo): Promise<string[]> {
  const lines: string[] = [];
  for (;;) {
    const line = (await io.readLine()).trim();
    if (line === '' || line.toLowerCase() === 'quit') return lines;
    lines.push(line);
  }
}

/** The first certificate of the paste, or undefined when it does not parse: each dialog prints its own refusal. */
export async function readPastedCertificate(io: SessionIo, trustpoint: string): Promise<CertificateFacts | undefined> {
  const pasted = await readPaste(io);
  try {
    return parseCertificates(pasted.join('\n'), trustpoint)[0];
  } catch {
    return undefined;
  }
}
