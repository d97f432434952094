/**
 * The lab's secrets as a shell file (`source .lab/lab.env`): the inventory and the playbook name these
 * variables, never the values. Pure: rendering and reading back our own format.
 */

/** The variables the written inventory and playbook refer to. */
export const LAB_ENV = {
  password: 'LAB_PASSWORD',
  enableSecret: 'LAB_ENABLE_SECRET',
  smtpUser: 'LAB_SMTP_USER',
  smtpPassword: 'LAB_SMTP_PASSWORD',
} as const;

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Single quotes keep every character literal in sh; a quote itself is closed, escaped and reopened. */
function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

export function renderEnvFile(values: Readonly<Record<string, string>>, comment: readonly string[] = []): string {
  const lines = comment.map((line) => `# ${line}`.trimEnd());
  for (const [name, value] of Object.entries(values)) {
    if (!NAME.test(name)) throw new Error(`env file: "${name}" is not a shell variable name`);
    if (value.includes('\n')) throw new Error(`env file: the value of ${name} spans lines; the lab never writes such secrets`);
    lines.push(`export ${name}=${shellQuote(value)}`);
  }
  return `${lines.join('\n')}\n`;
}

/** Reads back what `renderEnvFile` wrote; other lines (comments, blanks, hand edits it cannot read) are skipped. */
export function parseEnvFile(text: string): Map<string, string> {
  const values = new Map<string, string>();
  for (const line of text.split('\n')) {
    const match = /^export ([A-Za-z_][A-Za-z0-9_]*)='((?:[^']|'\\'')*)'$/.exec(line.trimEnd());
    if (match?.[1] !== undefined && match[2] !== undefined) values.set(match[1], match[2].replace(/'\\''/g, "'"));
  }
  return values;
}
