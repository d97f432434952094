/**
 * IOS command-line words and quoted strings, as EEM applet actions use them
 * (`action 0010 mail server "$_email_server" to "$_email_to" ...`).
 * IOS has no escape inside a quoted string, so a value holding `"` or a line break cannot be rendered.
 */

export class IosStringError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'IosStringError';
  }
}

/** Splits a command line into words; a double-quoted word keeps its spaces and loses its quotes. */
export function splitIosWords(line: string): string[] {
  const words: string[] = [];
  const re = /"([^"]*)"|(\S+)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(line)) !== null) words.push(m[1] ?? m[2] ?? '');
  return words;
}

/** A value as one quoted IOS word; rejects what IOS could not read back. */
export function quoteIos(value: string, what: string): string {
  if (/["\r\n]/.test(value)) {
    throw new IosStringError(`${what} cannot contain a double quote or a line break in an IOS command (got ${JSON.stringify(value)})`);
  }
  return `"${value}"`;
}

/** A value as one bare IOS word (names, environment values without spaces). */
export function bareIosWord(value: string, what: string): string {
  if (value === '' || /[\s"?]/.test(value)) {
    throw new IosStringError(`${what} must be one word without spaces, quotes or '?' (got ${JSON.stringify(value)})`);
  }
  return value;
}
