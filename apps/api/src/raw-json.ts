import type { ExecutionResult } from 'graphql';

/**
 * The `data` of a compiled read: JSON text straight from PostgreSQL. Serialised by splicing the
 * text into the response (see `stringifyResult`), so it is never parsed and re-encoded; `toJSON`
 * keeps it correct for any code that stringifies the result another way.
 */
export class RawJson {
  constructor(readonly json: string) {}
  toJSON(): unknown {
    return JSON.parse(this.json);
  }
}

/** Yoga's `result.stringify` hook: `{"data":<raw text>, …the other keys as usual}`. */
export function stringifyResult(result: ExecutionResult & { stringify?: unknown }): string {
  if (!(result.data instanceof RawJson)) return JSON.stringify(result);
  let out = `{"data":${result.data.json}`;
  for (const [key, value] of Object.entries(result)) {
    if (key === 'data' || key === 'stringify' || value === undefined) continue;
    out += `,${JSON.stringify(key)}:${JSON.stringify(value)}`;
  }
  return `${out}}`;
}
