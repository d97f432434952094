import ssh2 from 'ssh2';

/**
 * An ed25519 key pair that ssh2 can read back. ssh2's generator yields a private key its own parser rejects about
 * once in 256 tries (seen here: 6 in 3000), which would make any test that generates keys fail at random.
 */
export function ed25519KeyPair(): { private: string; public: string } {
  for (;;) {
    const pair = ssh2.utils.generateKeyPairSync('ed25519');
    if (!(ssh2.utils.parseKey(pair.private) instanceof Error) && !(ssh2.utils.parseKey(pair.public) instanceof Error)) return pair;
  }
}
