// Prints a draft operation for root fields of the schema, to paste into operations/<group>.graphql
// and trim: scalars and enums of the returned type, one level of nested objects (their scalars),
// connections as edges/pageInfo, and for mutations the success member plus the required error
// selections.
// Usage: node scripts/scaffold-operation.mjs <Group> <rootField>...   e.g. node scripts/scaffold-operation.mjs Listing listingCreate listings
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  buildSchema,
  getNamedType,
  isEnumType,
  isLeafType,
  isNonNullType,
  isObjectType,
  isInterfaceType,
  isUnionType,
} from 'graphql';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const schema = buildSchema(readFileSync(resolve(root, '../schema/schema.graphql'), 'utf8'));
const [group, ...fields] = process.argv.slice(2);
if (!group || fields.length === 0) {
  console.error('Usage: node scripts/scaffold-operation.mjs <Group> <rootField>...');
  process.exit(1);
}

const pascal = (s) => s.charAt(0).toUpperCase() + s.slice(1);
const requiredArgs = (f) => f.args.some((a) => isNonNullType(a.type) && a.defaultValue === undefined);
const isConnection = (t) => isObjectType(t) && 'edges' in t.getFields() && 'pageInfo' in t.getFields();

function selection(type, depth, indent) {
  const named = getNamedType(type);
  if (isLeafType(named)) return '';
  if (isUnionType(named) || (isInterfaceType(named) && depth > 0))
    return ` { __typename${isInterfaceType(named) ? ' id' : ''} }`;
  const parts = [];
  for (const f of Object.values(named.getFields())) {
    if (requiredArgs(f)) continue;
    const t = getNamedType(f.type);
    if (isLeafType(t) || isEnumType(t)) parts.push(f.name);
    else if (isConnection(t)) continue;
    else if (isObjectType(t) && 'id' in t.getFields())
      parts.push(
        `${f.name} { ${['id', 'name', 'title', 'code', 'status'].filter((k) => k in t.getFields()).join(' ')} }`,
      );
    else if (depth < 1 && (isObjectType(t) || isInterfaceType(t)))
      parts.push(`${f.name}${selection(f.type, depth + 1, indent + '  ')}`);
  }
  return ` { ${parts.join(' ')} }`;
}

for (const name of fields) {
  const mutation = schema.getMutationType()?.getFields()[name];
  const query = schema.getQueryType()?.getFields()[name];
  const field = mutation ?? query;
  if (!field) {
    console.error(`# ${name}: not a root field`);
    continue;
  }
  const kind = mutation ? 'mutation' : 'query';
  const vars = field.args.map((a) => `$${a.name}: ${a.type}`).join(', ');
  const args = field.args.map((a) => `${a.name}: $${a.name}`).join(', ');
  const named = getNamedType(field.type);
  let body;
  if (isUnionType(named)) {
    const success = named.getTypes().find((t) => t.name.endsWith('Success'));
    body = ` {\n    __typename\n    ... on ${success?.name}${success ? selection(success, 0, '    ') : ''}\n    ... on Error { code message }\n    ... on ValidationError { fields { path message } }\n  }`;
  } else if (isConnection(named)) {
    const node = getNamedType(named.getFields().edges.type).getFields().node.type;
    body = ` {\n    edges { cursor node${selection(node, 0, '    ')} }\n    pageInfo { hasNextPage endCursor }\n  }`;
  } else {
    body = selection(field.type, 0, '  ');
  }
  const opName = `${group}${pascal(name.replace(new RegExp(`^${group}`, 'i'), '')) || 'Get'}`;
  console.log(
    `${field.description ? `# ${field.description.split('\n')[0]}\n` : ''}${kind} ${opName}${vars ? `(${vars})` : ''} {\n  ${name}${args ? `(${args})` : ''}${body}\n}\n`,
  );
}
