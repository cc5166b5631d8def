// Secrets never reach the journal or the logs: Authorization values and `token` fields.
const AUTH_VALUE = /^(\s*(Token|Bearer|key=?)\s*).*$/i;

export function redactAuthorization(value: string | null | undefined): string | undefined {
  if (value == null) return undefined;
  const m = AUTH_VALUE.exec(value);
  return m ? `${m[1]}[redacted]` : '[redacted]';
}

const TOKEN_FIELD = /("(?:token|api_key|apiKey|key)"\s*:\s*)"(?:[^"\\]|\\.)*"/g;

/** Redact `"token": "..."` (credentials bodies) and similar secret fields in a JSON text. */
export function redactBody(text: string): string {
  return text.includes('"') ? text.replace(TOKEN_FIELD, '$1"[redacted]"') : text;
}
