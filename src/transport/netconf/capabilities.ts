/** NETCONF capabilities as announced in a hello, looked up by their RFC 6241 short names (`:candidate`). */

export const BASE_1_0 = 'urn:ietf:params:netconf:base:1.0';
export const BASE_1_1 = 'urn:ietf:params:netconf:base:1.1';
const CAPABILITY_PREFIX = 'urn:ietf:params:netconf:capability:';

export interface ModuleCapability {
  readonly namespace: string;
  readonly module: string;
  readonly revision: string | undefined;
  readonly features: readonly string[];
  readonly deviations: readonly string[];
}

export class Capabilities {
  readonly all: readonly string[];

  constructor(uris: Iterable<string>) {
    this.all = [...uris];
  }

  /**
   * `:candidate` matches `urn:ietf:params:netconf:capability:candidate:1.0` (any version, parameters ignored);
   * `:confirmed-commit:1.1` asks for that version; anything else must match a URI up to its `?parameters`.
   */
  has(capability: string): boolean {
    if (capability.startsWith(':')) {
      const [name, version] = capability.slice(1).split(/:(?=[\d.]+$)/);
      return this.all.some((uri) => {
        if (!uri.startsWith(CAPABILITY_PREFIX)) return false;
        const [id] = uri.slice(CAPABILITY_PREFIX.length).split('?');
        const at = id?.lastIndexOf(':') ?? -1;
        if (id === undefined || at < 0) return false;
        return id.slice(0, at) === name && (version === undefined || id.slice(at + 1) === version);
      });
    }
    return this.all.some((uri) => uri.split('?')[0] === capability);
  }

  /** YANG modules announced as `namespace?module=...&revision=...` (RFC 6020 5.6.4). */
  modules(): ModuleCapability[] {
    const found: ModuleCapability[] = [];
    for (const uri of this.all) {
      const q = uri.indexOf('?');
      if (q < 0) continue;
      const params = new URLSearchParams(uri.slice(q + 1));
      const module = params.get('module');
      if (!module) continue;
      const list = (key: string): string[] => (params.get(key) ?? '').split(',').filter((s) => s !== '');
      found.push({
        namespace: uri.slice(0, q),
        module,
        revision: params.get('revision') ?? undefined,
        features: list('features'),
        deviations: list('deviations'),
      });
    }
    return found;
  }
}
