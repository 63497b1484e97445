import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  printSchema,
  isObjectType,
  isInterfaceType,
  isInputObjectType,
  isEnumType,
  isUnionType,
  isScalarType,
} from 'graphql';
import { describe, expect, it } from 'vitest';
import { printableSchema, schema } from '@shopwarden/schema';

describe('the printed schema', () => {
  it('is committed and current (run `npm run schema:print` after changing the schema)', () => {
    const committed = readFileSync(
      fileURLToPath(new URL('../packages/schema/schema.graphql', import.meta.url)),
      'utf8',
    );
    expect(committed).toBe(`${printSchema(printableSchema())}\n`);
  });

  it('describes every type, field, argument and enum value', () => {
    const missing: string[] = [];
    for (const type of Object.values(schema.getTypeMap())) {
      if (type.name.startsWith('__')) continue;
      if (isScalarType(type) && ['String', 'Int', 'Float', 'Boolean', 'ID'].includes(type.name)) continue;
      if (!type.description) missing.push(type.name);
      if (isObjectType(type) || isInterfaceType(type)) {
        for (const field of Object.values(type.getFields())) {
          if (!field.description) missing.push(`${type.name}.${field.name}`);
          for (const arg of field.args)
            if (!arg.description && arg.name !== 'input') missing.push(`${type.name}.${field.name}(${arg.name})`);
        }
      }
      if (isInputObjectType(type))
        for (const field of Object.values(type.getFields()))
          if (!field.description) missing.push(`${type.name}.${field.name}`);
      if (isEnumType(type))
        for (const value of type.getValues()) if (!value.description) missing.push(`${type.name}.${value.name}`);
      if (isUnionType(type) && !type.description) missing.push(type.name);
    }
    expect(missing).toEqual([]);
  });

  it('gives every mutation one `input` argument and a result union of a success type and errors implementing Error', () => {
    const mutation = schema.getMutationType()!;
    for (const field of Object.values(mutation.getFields())) {
      expect(
        field.args.map((a) => a.name),
        field.name,
      ).toEqual(['input']);
      const type = field.type.toString().replace(/!$/, '');
      expect(type, field.name).toBe(`${field.name[0]!.toUpperCase()}${field.name.slice(1)}Result`);
      const union = schema.getType(type);
      expect(isUnionType(union)).toBe(true);
      if (isUnionType(union)) {
        const members = union.getTypes();
        expect(members.filter((m) => m.name.endsWith('Success'))).toHaveLength(1);
        for (const m of members.filter((m) => !m.name.endsWith('Success')))
          expect(m.getInterfaces().map((i) => i.name)).toContain('Error');
      }
    }
  });

  it('wraps every mutation resolver in the audit wrapper', () => {
    const modules = fileURLToPath(new URL('../packages/schema/src/modules', import.meta.url));
    const sources = readdirSync(modules, { recursive: true, withFileTypes: true })
      .filter((f) => f.isFile() && f.name.endsWith('.ts'))
      .map((f) => readFileSync(path.join(f.parentPath, f.name), 'utf8'))
      .join('\n');
    const unaudited = Object.keys(schema.getMutationType()!.getFields()).filter(
      (name) => !new RegExp(`audited\\(\\s*'${name}'`).test(sources),
    );
    expect(unaudited).toEqual([]);
  });
});
