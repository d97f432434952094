/**
 * The message fields of an EEM `action mail`, shared by the parser that reads them from a running config and the
 * rendering that writes them, so both speak of the same keywords.
 */
export interface EemMailMessage {
  /** `[user:password@]host`: may hold a secret. */
  readonly server: string;
  readonly to: string;
  readonly from: string;
  readonly cc?: string;
  readonly subject: string;
  readonly body: string;
}
