/**
 * The `garble-hex` fault: a log message lands in the middle of a certificate's hex in `show running-config`, as
 * on a vty with `terminal monitor` and no `logging synchronous`, where IOS writes the message into the line being
 * printed. The hex line it hit keeps its first half, the message follows, and the rest of that line is lost.
 */

/** The running config with the middle hex line of every stored certificate broken by `logLine`. */
export function garbleCertificateHex(config: string, logLine: string): string {
  const lines = config.split('\n');
  const out: string[] = [];
  let hex: string[] | undefined;
  const flush = (): void => {
    if (hex === undefined) return;
    const middle = Math.floor(hex.length / 2);
    hex.forEach((line, i) => out.push(i === middle ? `${line.slice(0, Math.ceil(line.length / 2))}${logLine}` : line));
    hex = undefined;
  };
  for (const line of lines) {
    if (/^ certificate /.test(line)) {
      flush();
      out.push(line);
      hex = [];
    } else if (hex !== undefined && /^ {2}[0-9A-F]/.test(line)) hex.push(line);
    else {
      flush();
      out.push(line);
    }
  }
  flush();
  return out.join('\n');
}
