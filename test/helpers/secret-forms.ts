/**
 * The forms a secret takes in a plan and in tfguard's outputs, written here independently of src/redact (a test
 * that used the code under test to make its expectations would prove nothing), and a leak check that needs no
 * list of forms: every encoding here keeps a secret's runs of letters and digits, so test secrets are made of
 * 4-character runs (`K7fq&Lm2x<...`) that must never appear.
 */

/** JavaScript's JSON.stringify, without the quotes. */
export const jsEscape = (s: string) => JSON.stringify(s).slice(1, -1);

/** Go's encoding/json (Terraform's jsonencode, every provider): also `&`, `<`, `>`, U+2028, U+2029. */
export const goEscape = (s: string) => jsEscape(s).replace(/[&<>\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

/** How Terraform writes a string instance key in an address (and how HCL quotes a string literal). */
export function hclQuote(s: string): string {
  return s
    .replace(/\\/g, '\\\\')
    .replace(/"/g, '\\"')
    .replace(/\n/g, '\\n')
    .replace(/\r/g, '\\r')
    .replace(/\t/g, '\\t')
    .replace(/[\u0000-\u001f\u007f\u0085\u00ad\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
    .replace(/\$\{/g, () => '$${')
    .replace(/%\{/g, '%%{');
}

/** Terraform's urlencode (Go's url.QueryEscape): `+` for a space, `!*'()` encoded too. */
export const queryEscape = (s: string) =>
  encodeURIComponent(s)
    .replace(/%20/g, '+')
    .replace(/[!*'()]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/** Every form named in the README: as it is, escaped once or twice by either encoder, HCL-quoted, percent-encoded. */
export function secretForms(secret: string): Record<string, string> {
  return {
    raw: secret,
    json: jsEscape(secret),
    go: goEscape(secret),
    hcl: hclQuote(secret),
    'json(json)': jsEscape(jsEscape(secret)),
    'json(go)': jsEscape(goEscape(secret)),
    'go(go)': goEscape(goEscape(secret)),
    'json(go(go))': jsEscape(goEscape(goEscape(secret))),
    'json(hcl)': jsEscape(hclQuote(secret)),
    uri: encodeURIComponent(secret),
    query: queryEscape(secret),
    'query(go)': queryEscape(goEscape(secret)),
    'shell-quoted': secret.replaceAll("'", `'\\''`),
  };
}

/** The runs of 4+ letters and digits of a secret: any of them in an output is (part of) a leak. */
export function canaries(secret: string): string[] {
  return secret.split(/[^A-Za-z0-9]+/).filter((run) => run.length >= 4);
}

/** The canaries of these secrets found in a text (empty: no leak). */
export function leaks(text: string, secrets: readonly string[]): string[] {
  return secrets.flatMap(canaries).filter((c) => text.includes(c));
}
