/** Bad certificate input: says which source (file name, URL, "stdin"), which certificate in it
 * (1-based position, line numbers where known) and what is wrong, so a person can fix the file. */
export class CertificateInputError extends Error {
  override readonly name = 'CertificateInputError';
  constructor(
    readonly source: string,
    message: string,
    /** 1-based position of the certificate in the source, when the problem is one certificate. */
    readonly position?: number,
  ) {
    super(`${source}: ${position === undefined ? '' : `certificate ${position}: `}${message}`);
  }
}
