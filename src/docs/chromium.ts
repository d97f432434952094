/**
 * How certagent drives Debian's Chromium headless (docs screenshots; the HTML report tests use the same): a fresh
 * profile, no sandbox (containers), and nothing that reaches the network on its own.
 */
export const CHROMIUM = '/usr/bin/chromium';

export const CHROMIUM_ARGS: readonly string[] = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
