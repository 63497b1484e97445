import type { ExecutionResult } from 'graphql';

/**
 * The `data` of a compiled read: JSON as UTF-8 bytes, encoded once per read. Written into the
 * response as they are (see `stringifyResult`), so a cached payload is never parsed or
 * re-encoded; `toJSON` keeps it correct for any code that stringifies the result another way.
 */
export class RawJson {
  constructor(readonly bytes: Buffer) {}
  toJSON(): unknown {
    return JSON.parse(this.bytes.toString('utf8'));
  }
}

const OPEN = Buffer.from('{"data":');
const CLOSE = Buffer.from('}');

/**
 * Yoga's `result.stringify` hook: `{"data":<raw bytes>, …the other keys as usual}`. It returns
 * bytes rather than text for a raw result: Yoga passes the value to `new Response(body)`, which
 * takes either, and the large part then needs no encoding per response.
 */
export function stringifyResult(result: ExecutionResult & { stringify?: unknown }): string {
  if (!(result.data instanceof RawJson)) return JSON.stringify(result);
  const parts = [OPEN, result.data.bytes];
  for (const [key, value] of Object.entries(result)) {
    if (key === 'data' || key === 'stringify' || value === undefined) continue;
    parts.push(Buffer.from(`,${JSON.stringify(key)}:${JSON.stringify(value)}`));
  }
  parts.push(CLOSE);
  return Buffer.concat(parts) as unknown as string;
}
