/** The message of anything thrown: an Error's message, anything else as text (a rejected promise may carry a string). */
export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
