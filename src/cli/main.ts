#!/usr/bin/env node
import { EXIT_USAGE, UsageError } from './command.js';
import { commands } from './commands/index.js';

function help(): string {
  const width = Math.max(0, ...commands.map((c) => c.name.length));
  const lines = commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`);
  return ['usage: certagent <command> [options]', '', 'commands:', ...lines, '', 'certagent <command> --help shows the options of one command.'].join('\n');
}

export async function main(argv: readonly string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    console.log(help());
    return name === undefined ? EXIT_USAGE : 0;
  }
  const entry = commands.find((c) => c.name === name);
  if (!entry) {
    console.error(`certagent: unknown command '${name}'\n\n${help()}`);
    return EXIT_USAGE;
  }
  const command = await entry.load();
  try {
    return await command.run(rest);
  } catch (err) {
    if (err instanceof UsageError) {
      console.error(`certagent ${command.name}: ${err.message}\n\nusage: ${command.usage}`);
      return EXIT_USAGE;
    }
    throw err;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    console.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
    process.exitCode = 1;
  },
);
