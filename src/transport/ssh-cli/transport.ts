/** The CLI's use of an SSH connection: an interactive shell on a pty, as IOS vty sessions expect. */
import type { ClientChannel } from 'ssh2';
import { connectSsh } from '../ssh/connect.js';
import type { SshConnection, SshTransportOptions } from '../ssh/connect.js';
import { ConnectError } from '../ssh/errors.js';

export interface SshShell extends SshConnection {
  readonly stream: ClientChannel;
}

/** Connects, authenticates and opens a shell on a pty 511 columns wide (no wrapping of long config lines). */
export async function openSshShell(options: SshTransportOptions): Promise<SshShell> {
  const connection = await connectSsh(options);
  const { client } = connection;
  const stream = await new Promise<ClientChannel>((resolve, reject) => {
    client.shell({ term: 'vt100', cols: 511, rows: 1000 }, (err, channel) =>
      err ? reject(new ConnectError(options.device, `shell refused: ${err.message}`)) : resolve(channel),
    );
  }).catch((err: unknown) => {
    client.end();
    throw err;
  });
  return { ...connection, stream };
}
