import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import readChangesets from '@changesets/read';
import { describe, expect, it } from 'vitest';
import {
  API_PACKAGE,
  checkSchemaEvolution,
  declaredCoordinates,
  type NewChangeset,
} from './support/schema-evolution.ts';

const root = fileURLToPath(new URL('../', import.meta.url));
const read = (path: string) => readFileSync(`${root}${path}`, 'utf8');
const released = read('packages/schema/schema.released.graphql');
const current = read('packages/schema/schema.graphql');
const apiVersion: string = JSON.parse(read('apps/api/package.json')).version;

/** A schema of the released shape with one change applied to its text. */
function edit(sdl: string, from: string | RegExp, to: string): string {
  const next = sdl.replace(from, to);
  expect(next, `edit ${String(from)}`).not.toBe(sdl);
  return next;
}

const changeset = (summary: string, type: NewChangeset['releases'][number]['type'] = 'minor'): NewChangeset => ({
  id: 'test-changeset',
  summary,
  releases: [{ name: API_PACKAGE, type }],
});

describe('schema evolution (docs/versioning.md)', () => {
  it('every breaking change since the released schema is declared in a pending changeset', async () => {
    const changesets = (await readChangesets(root)) as NewChangeset[];
    const { problems } = await checkSchemaEvolution(released, current, changesets, apiVersion);
    expect(problems, problems.map((p) => `${p.change}: ${p.problem}`).join('\n')).toEqual([]);
  });

  it('the pending changesets name only the released packages', async () => {
    const changesets = (await readChangesets(root)) as NewChangeset[];
    for (const c of changesets)
      for (const r of c.releases)
        expect(['@shopwarden/api', '@shopwarden/sdk', '@shopwarden/cli'], c.id).toContain(r.name);
  });

  it('refuses an undeclared breaking change and accepts it once a changeset declares it', async () => {
    // A required argument added to a field: breaking for every document that selects it.
    const changed = edit(
      released,
      /^ {2}platformClock: PlatformClock!$/m,
      '  platformClock(zone: String!): PlatformClock!',
    );
    const undeclared = await checkSchemaEvolution(released, changed, [], '0.4.0');
    expect(undeclared.problems.map((p) => p.coordinate)).toEqual(['Query.platformClock.zone']);
    expect(undeclared.problems[0]!.problem).toContain("'@shopwarden/api': minor");

    const declared = changeset('Clocks have zones.\n\nBreaking: `Query.platformClock.zone` is required; pass "UTC".');
    expect((await checkSchemaEvolution(released, changed, [declared], '0.4.0')).problems).toEqual([]);
    // A patch release cannot carry it, nor a minor one once the API is 1.x.
    expect(
      (await checkSchemaEvolution(released, changed, [changeset(declared.summary, 'patch')], '0.4.0')).problems,
    ).toHaveLength(1);
    expect((await checkSchemaEvolution(released, changed, [declared], '1.2.0')).problems).toHaveLength(1);
    expect(
      (await checkSchemaEvolution(released, changed, [changeset(declared.summary, 'major')], '1.2.0')).problems,
    ).toEqual([]);
    // Another coordinate does not declare this one.
    expect(
      (await checkSchemaEvolution(released, changed, [changeset('Breaking: Query.platformClock')], '0.4.0')).problems,
    ).toHaveLength(1);
  });

  it('refuses removing a field that was not deprecated first, even when declared', async () => {
    const withoutField = edit(released, /^ {2}"""[^\n]*"""\n {2}sandbox: Boolean!\n/m, '');
    const declared = changeset('Breaking: PlatformClock.sandbox is removed.');
    const { problems } = await checkSchemaEvolution(released, withoutField, [declared], '0.4.0');
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ coordinate: 'PlatformClock.sandbox' });
    expect(problems[0]!.problem).toMatch(/not @deprecated/);
  });

  it('allows removing a deprecated field when declared', async () => {
    const deprecated = edit(released, /^( {2}sandbox: Boolean!)$/m, '$1 @deprecated(reason: "Use now.")');
    const removed = edit(
      deprecated,
      /^ {2}"""[^\n]*"""\n {2}sandbox: Boolean! @deprecated\(reason: "Use now."\)\n/m,
      '',
    );
    // Deprecating is not breaking.
    expect((await checkSchemaEvolution(released, deprecated, [], '0.4.0')).problems).toEqual([]);
    expect((await checkSchemaEvolution(deprecated, removed, [], '0.4.0')).problems).toHaveLength(1);
    const declared = changeset('Breaking: PlatformClock.sandbox is removed; read now.');
    expect((await checkSchemaEvolution(deprecated, removed, [declared], '0.4.0')).problems).toEqual([]);
  });

  it('additions need no declaration', async () => {
    const added = edit(released, /^( {2}sandbox: Boolean!)$/m, '$1\n  """The zone."""\n  zone: String');
    const { breaking, problems } = await checkSchemaEvolution(released, added, [], '0.4.0');
    expect(breaking).toEqual([]);
    expect(problems).toEqual([]);
  });

  it('reads Breaking: lines in any list style', () => {
    expect(
      declaredCoordinates(
        'Intro\n\n- Breaking: Shop.a gone\n* breaking: `Enum.B`.\nBreaking: Type.field.arg, required',
      ),
    ).toEqual(['Shop.a', 'Enum.B', 'Type.field.arg']);
  });
});
