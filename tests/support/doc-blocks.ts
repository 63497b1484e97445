/**
 * The code blocks of a Markdown guide and the `docs-test` markers that say how tests/docs.test.ts
 * runs them. A marker is an HTML comment on the line(s) right before a fence:
 *
 *   <!-- docs-test: key=seller -->                       run with the seller's demo key
 *   <!-- docs-test: key=admin expect=PRIMARY_CATEGORY_ALREADY_SET -->   codes this block must return
 *   <!-- docs-test: key=agency variables={"shopId":"U2hvcDoy"} -->      variables (always last);
 *        a value "$previous.a.b" is field a.b of the data the latest graphql operation of the file
 *        that returned it
 *   <!-- docs-test: key=admin allow=INVALID_STATE -->   codes this block may return
 *   <!-- docs-test: key=seller,admin -->     a graphql block's operations in turn: the first with
 *                                            the seller's key, the next ones with the admin's
 *   <!-- docs-test: variables -->     (a json block) the variables of the graphql block before it
 *   <!-- docs-test: timeout=3 -->     (an sh block that streams, curl -N) stopped after 3 s
 *   <!-- docs-test: output -->        a sample of what the block before prints or returns; not run
 *   <!-- docs-test: skip: <reason> --> not run, for the reason given (a command that installs or
 *                                      starts a server, a diagram, a template)
 *
 * and, anywhere in a file (not before a fence):
 *
 *   <!-- docs-test: default key=admin -->    the key of the blocks after it that declare none
 *   <!-- docs-test: prelude                  TypeScript run before every ts block of the file
 *   const shopId = …;                        (`url`, `apiKey`, the file's default key, and
 *   -->                                       `demoKeys` are defined; SHOPWARDEN_URL and
 *                                             SHOPWARDEN_API_KEY are set, the latter per block)
 *
 * graphql blocks run over HTTP, ts blocks with tsx (`@shopwarden/sdk` is the workspace's), sh
 * blocks that call curl with bash against the test server; any other block needs a marker.
 */

export const DEMO_ROLES = ['admin', 'seller', 'agency', 'partner'] as const;
export type DemoRole = (typeof DEMO_ROLES)[number];

export interface Marker {
  key?: DemoRole;
  /** A graphql block's keys, one per operation in order (the last one for the rest): `key=seller,admin`. */
  keys?: DemoRole[];
  /** Codes the block must return (a top-level error's or a mutation result's; `null` for a null query field). */
  expect: string[];
  /** Codes the block may return (e.g. INVALID_STATE when it depends on timing). */
  allow: string[];
  variables?: Record<string, unknown>;
  /** A json block holding the variables of the graphql block before it. */
  isVariables?: boolean;
  output?: boolean;
  skip?: string;
  /** An sh command that streams until stopped (curl -N): stopped after this many seconds. */
  timeoutSeconds?: number;
}

export interface DocBlock {
  /** `docs/x.md:12` (the fence's line). */
  where: string;
  lang: string;
  code: string;
  marker: Marker | null;
  /** The key from the marker or the file's default. */
  key?: DemoRole;
  /** For a graphql block: the variables from its marker or the json block after it. */
  variables?: Record<string, unknown>;
}

export interface ParsedDoc {
  blocks: DocBlock[];
  /** The first `default key=` of the file: the key of its ts programs' `apiKey` and prelude. */
  defaultKey?: DemoRole;
  prelude: string;
  /** Markers that could not be read: each fails the test. */
  problems: string[];
}

const MARKER = /<!--\s*docs-test:([\s\S]*?)-->/;

function parseMarker(text: string, where: string, problems: string[]): Marker {
  const marker: Marker = { expect: [], allow: [] };
  let rest = text.trim();
  if (rest === 'output') return { ...marker, output: true };
  if (rest === 'variables') return { ...marker, isVariables: true };
  if (rest.startsWith('skip')) {
    const reason = rest.replace(/^skip:?/, '').trim();
    if (!reason) problems.push(`${where}: "skip" needs a reason: <!-- docs-test: skip: why it cannot run -->`);
    return { ...marker, skip: reason || 'no reason' };
  }
  const vars = rest.indexOf('variables=');
  if (vars >= 0) {
    try {
      marker.variables = JSON.parse(rest.slice(vars + 'variables='.length)) as Record<string, unknown>;
    } catch {
      problems.push(`${where}: variables=… must be a JSON object, last in the marker`);
    }
    rest = rest.slice(0, vars);
  }
  for (const part of rest.split(/\s+/).filter(Boolean)) {
    const [name, value] = part.split('=', 2);
    const roles = name === 'key' ? (value ?? '').split(',') : [];
    if (roles.length && roles.every((r) => (DEMO_ROLES as readonly string[]).includes(r))) {
      marker.keys = roles as DemoRole[];
      marker.key = marker.keys[0];
    } else if (name === 'expect' && value) marker.expect.push(...value.split(','));
    else if (name === 'allow' && value) marker.allow.push(...value.split(','));
    else if (name === 'timeout' && Number(value) > 0) marker.timeoutSeconds = Number(value);
    else
      problems.push(
        `${where}: unknown marker part "${part}" (key=, expect=, allow=, timeout=, variables=, output, skip: reason)`,
      );
  }
  return marker;
}

export function parseDoc(file: string, text: string): ParsedDoc {
  const lines = text.split('\n');
  const blocks: DocBlock[] = [];
  const problems: string[] = [];
  const preludes: string[] = [];
  let defaultKey: DemoRole | undefined;
  let firstDefault: DemoRole | undefined;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    // Markers not attached to a fence: a prelude, or a default key.
    const inline = /^\s*<!--\s*docs-test:\s*(default|prelude)\b(.*)$/.exec(line);
    if (inline) {
      let body = inline[2]!;
      let end = i;
      while (!body.includes('-->') && end + 1 < lines.length) body += `\n${lines[++end]}`;
      body = body.replace(/-->[\s\S]*$/, '');
      if (inline[1] === 'prelude') preludes.push(body);
      else {
        const key = /key=(\w+)/.exec(body)?.[1];
        if (!key || !(DEMO_ROLES as readonly string[]).includes(key))
          problems.push(`${file}:${i + 1}: default needs key=admin|seller|agency|partner`);
        else {
          defaultKey = key as DemoRole;
          firstDefault ??= defaultKey;
        }
      }
      i = end;
      continue;
    }
    const fence = /^(\s*)(`{3,})\s*([\w-]*)/.exec(line);
    if (!fence) continue;
    const [, indent, ticks, lang] = fence;
    const where = `${file}:${i + 1}`;
    const body: string[] = [];
    let j = i + 1;
    for (; j < lines.length && !new RegExp(`^\\s*${ticks}\\s*$`).test(lines[j]!); j++)
      body.push(lines[j]!.startsWith(indent!) ? lines[j]!.slice(indent!.length) : lines[j]!.trimStart());
    // The marker: an HTML comment ending on the last non-blank line before the fence.
    let k = i - 1;
    while (k >= 0 && !lines[k]!.trim()) k--;
    let marker: Marker | null = null;
    if (k >= 0 && lines[k]!.trim().endsWith('-->')) {
      let start = k;
      while (start > 0 && !lines[start]!.includes('<!--')) start--;
      const comment = MARKER.exec(lines.slice(start, k + 1).join('\n'));
      if (comment && !/^\s*(default|prelude)\b/.test(comment[1]!)) marker = parseMarker(comment[1]!, where, problems);
    }
    const block: DocBlock = { where, lang: lang!.toLowerCase(), code: body.join('\n'), marker };
    const key = marker?.key ?? defaultKey;
    if (key) block.key = key;
    if (marker?.variables) block.variables = marker.variables;
    if (marker?.isVariables) {
      const previous = blocks.at(-1);
      try {
        const variables = JSON.parse(block.code) as Record<string, unknown>;
        if (previous && previous.lang === 'graphql') previous.variables = { ...previous.variables, ...variables };
        else problems.push(`${where}: a "variables" block must follow a graphql block`);
      } catch {
        problems.push(`${where}: a "variables" block must hold one JSON object`);
      }
    }
    blocks.push(block);
    i = j;
  }
  return { blocks, prelude: preludes.join('\n'), problems, ...(firstDefault ? { defaultKey: firstDefault } : {}) };
}

/** How a block is run, or why it cannot be (an unmarked block that cannot run fails the test). */
export function planOf(block: DocBlock): 'graphql' | 'ts' | 'sh' | 'not run' | { problem: string } {
  const m = block.marker;
  if (m?.skip || m?.output || m?.isVariables) return 'not run';
  const lang = block.lang;
  const needsKey = () => ({
    problem: `${block.where}: ${lang} block has no key: add <!-- docs-test: key=admin|seller|agency|partner --> (or a default)`,
  });
  if (lang === 'graphql' || lang === 'gql') return block.key ? 'graphql' : needsKey();
  if (lang === 'ts' || lang === 'typescript') return block.key ? 'ts' : needsKey();
  if ((lang === 'sh' || lang === 'bash' || lang === 'shell') && /\bcurl\b/.test(block.code)) return 'sh';
  return {
    problem:
      `${block.where}: a ${lang || 'plain'} block cannot run: mark it <!-- docs-test: output --> (a sample of ` +
      `what the block before returns) or <!-- docs-test: skip: <reason> -->`,
  };
}
