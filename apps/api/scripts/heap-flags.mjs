// The V8 heap limit `npm start` runs the API with, shared with the benchmark (which runs it the same way).

/**
 * The old generation's limit in MB. Without one V8 sizes it from the machine's memory (about 4 GB
 * on a 24 GB machine) and lets garbage pile up that long (docs/performance.md#memory).
 */
export const DEFAULT_HEAP_MB = 1024;

/**
 * The flags to start the API's process with: `--max-old-space-size` from SHOPWARDEN_HEAP_MB (whole
 * MB; 0 leaves V8's own sizing), none when NODE_OPTIONS or the command line already sets it.
 */
export function heapFlags(env = process.env, execArgv = process.execArgv) {
  const given = [...execArgv, ...(env.NODE_OPTIONS ?? '').split(/\s+/)].some((arg) =>
    /^--max[-_]old[-_]space[-_]size(=|$)/.test(arg),
  );
  if (given) return [];
  const raw = env.SHOPWARDEN_HEAP_MB?.trim() || String(DEFAULT_HEAP_MB);
  if (!/^\d+$/.test(raw))
    throw new Error(`SHOPWARDEN_HEAP_MB is a whole number of MB (0: V8's own sizing), not ${raw}`);
  const mb = Number(raw);
  return mb > 0 ? [`--max-old-space-size=${mb}`] : [];
}
