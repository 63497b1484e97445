import { isObjectType, type GraphQLSchema } from 'graphql';

const connectionArgs: Record<string, string> = {
  first: 'Return at most this many items from the start (default 20, at most 100).',
  after: 'Return items after this cursor.',
  last: 'Return at most this many items from the end (at most 100).',
  before: 'Return items before this cursor.',
};

const pageInfoFields: Record<string, string> = {
  hasNextPage: 'True when more items follow this page.',
  hasPreviousPage: 'True when items precede this page.',
  startCursor: 'Cursor of the first item on this page.',
  endCursor: 'Cursor of the last item on this page: pass it as `after` for the next page.',
};

/**
 * Fills in descriptions for the parts the Relay plugin generates (connection arguments, edges,
 * page info), so every field and argument in the schema is described without repeating the same
 * sentences in each module.
 */
export function describeGeneratedParts(schema: GraphQLSchema): GraphQLSchema {
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    for (const field of Object.values(type.getFields())) {
      for (const arg of field.args)
        arg.description ??=
          connectionArgs[arg.name] ??
          (arg.name === 'ids' ? 'Global IDs.' : arg.name === 'id' ? 'A global ID.' : undefined);
      if (type.name === 'PageInfo') field.description ??= pageInfoFields[field.name];
      if (type.name.endsWith('Connection')) {
        if (field.name === 'edges') field.description ??= 'The items on this page, each with its cursor.';
        if (field.name === 'pageInfo') field.description ??= 'Where this page sits in the whole list.';
      }
      if (type.name.endsWith('Edge')) {
        if (field.name === 'cursor') field.description ??= 'Opaque cursor of this item, for `after`/`before`.';
        if (field.name === 'node') field.description ??= 'The item.';
      }
    }
  }
  return schema;
}
