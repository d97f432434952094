/**
 * EEM variable substitution: `$name` and `${name}` in action arguments, looked up in the applet's own variables
 * (`set`, `$_cli_result`, `$_none_arg1`...) and then in the `event manager environment`. An unknown name aborts
 * the applet (`%HA_EM-3-FMPD_UNKNOWN_ENV`, then `%HA_EM-3-FMPD_ERROR`). Pure.
 */

export type Substitution = { readonly ok: true; readonly text: string } | { readonly ok: false; readonly missing: string };

const VARIABLE = /\$\{([A-Za-z0-9_]+)\}|\$([A-Za-z0-9_]+)/g;

export function substitute(text: string, lookup: (name: string) => string | undefined): Substitution {
  let missing: string | undefined;
  const result = text.replace(VARIABLE, (whole, braced: string | undefined, bare: string | undefined) => {
    const name = braced ?? bare ?? '';
    const value = lookup(name);
    if (value === undefined) {
      missing ??= name;
      return whole;
    }
    return value;
  });
  return missing === undefined ? { ok: true, text: result } : { ok: false, missing };
}
