import { formatPrismaCursor } from '@pothos/plugin-prisma';
import { encodeGlobalID } from '@pothos/plugin-relay';
import { Kind, type FieldNode, type GraphQLObjectType, type GraphQLResolveInfo } from 'graphql';
import { describe, expect, it } from 'vitest';
import { schema } from '../schema.ts';
import {
  ID_CURSOR_PREFIX,
  authScopesOf,
  buildDatamodel,
  cursorId,
  declaredResolver,
  declaresSelect,
  exposedField,
  globalIdPrefix,
  mappedArguments,
  modelField,
  modelInfo,
  modelOf,
  relationOf,
  relationSelectOf,
  selectedColumns,
  shopField,
} from './adapter.ts';
import { NotCompilable } from './not-compilable.ts';

const type = (name: string) => schema.getType(name) as GraphQLObjectType;
const field = (typeName: string, name: string) => type(typeName).getFields()[name]!;

describe('the compiled-read adapter over Pothos', () => {
  it('reads the column a field exposes', () => {
    expect(exposedField(field('Shop', 'name'))).toBe('name');
    expect(exposedField(field('Listing', 'submittedAt'))).toBe('submittedAt');
    expect(exposedField(field('Shop', 'listings'))).toBeUndefined();
    expect(exposedField(field('Shop', 'pointsBalance'))).toBeUndefined();
  });

  it('reads the fields of a fixed Prisma select, and nothing of a select function', () => {
    expect(selectedColumns(field('Category', 'effectiveRestriction'))).toEqual(['id']);
    expect(selectedColumns(field('Shop', 'categoryEligibility'))).toEqual([
      'id',
      'primaryCategoryId',
      'status',
      'businessModel',
      'migrationDeadline',
    ]);
    expect(selectedColumns(field('Listing', 'latestReview'))).toBeUndefined();
    expect(selectedColumns(field('Shop', 'name'))).toBeUndefined();
  });

  it('reads the resolver a field declared, unwrapped by the plugins', () => {
    const declared = declaredResolver(field('ListingReview', 'reviewerRole'))!;
    expect(declared).not.toBe(field('ListingReview', 'reviewerRole').resolve);
    const info = {} as GraphQLResolveInfo;
    expect(declared({ automatic: true }, {}, {}, info)).toBe('SYSTEM');
    expect(declared({ automatic: false }, {}, {}, info)).toBe('ADMIN');
  });

  it('reads the Prisma relation of a relation field', () => {
    expect(relationOf(field('Shop', 'listings'))).toBe('listings');
    expect(relationOf(field('Listing', 'shop'))).toBe('shop');
    expect(relationOf(field('Shop', 'name'))).toBeUndefined();
  });

  it('tells the fields that declare a Prisma select, which the plugin reloads from the row id', () => {
    expect(declaresSelect(field('Listing', 'latestReview'))).toBe(true);
    expect(declaresSelect(field('Category', 'effectiveRestriction'))).toBe(true);
    expect(declaresSelect(field('Listing', 'title'))).toBe(false);
  });

  it('reads the Prisma model behind a type', () => {
    expect(modelOf(type('Shop'))).toBe('Shop');
    expect(modelOf(type('Listing'))).toBe('Listing');
    expect(modelOf(type('PageInfo'))).toBeUndefined();
  });

  it("reads a relation's planned select, with the field's query applied to the page arguments", async () => {
    expect(relationSelectOf(field('Shop', 'name'))).toBeUndefined();
    const select = relationSelectOf(field('Shop', 'violations'))!;
    expect(typeof select).toBe('function');
    const planned = (await select(
      { first: 2 },
      {},
      (q) => q,
      () => new Set(['id']),
    )) as {
      select: Record<string, Promise<Record<string, unknown>> | Record<string, unknown>>;
    };
    expect(Object.keys(planned.select)).toEqual(['violations']);
    const query = await planned.select.violations!;
    expect(query).toMatchObject({ take: 3, skip: 0 });
    expect(query.orderBy).toBeDefined();
  });

  it("reads a computed field's own select: the nested query of the relation it loads", async () => {
    const select = relationSelectOf(field('Listing', 'latestReview'))!;
    const planned = (await select(
      {},
      {},
      (q) => q,
      () => new Set(['decision']),
    )) as { select: Record<string, unknown> };
    expect(planned.select).toEqual({ reviews: { take: 1, orderBy: { id: 'desc' } } });
  });

  it('reads the authScopes a type or field declares', () => {
    expect(authScopesOf(field('Query', 'shops'))).toEqual({ scope: 'shops:read' });
    expect(authScopesOf(field('Shop', 'name'))).toBeUndefined();
  });

  it('maps arguments as the resolver receives them (global IDs decoded)', async () => {
    const def = field('Query', 'shop');
    const node = {
      kind: Kind.FIELD,
      name: { kind: Kind.NAME, value: 'shop' },
      arguments: [
        {
          kind: Kind.ARGUMENT,
          name: { kind: Kind.NAME, value: 'id' },
          value: { kind: Kind.STRING, value: encodeGlobalID('Shop', 7) },
        },
      ],
    } as FieldNode;
    const args = await mappedArguments(def, node, {}, { variableValues: {} } as unknown as GraphQLResolveInfo);
    expect(args.id).toEqual({ typename: 'Shop', id: '7' });
  });

  it('encodes cursors and global IDs as the plugins do', () => {
    const cursor = formatPrismaCursor({ id: 42 }, 'id');
    expect(Buffer.from(cursor, 'base64').toString()).toBe(`${ID_CURSOR_PREFIX}42`);
    expect(cursorId(cursor)).toBe(42);
    expect(Buffer.from(encodeGlobalID('Listing', 9), 'base64').toString()).toBe(`${globalIdPrefix('Listing')}9`);
  });
});

describe('the compiled-read adapter over the Prisma datamodel', () => {
  it('carries kinds, relations and the database names of the real schema', () => {
    expect(modelInfo('Listing').table).toBe('Listing');
    expect(modelField('Listing', 'shopId')).toMatchObject({ column: 'shopId', kind: 'scalar', type: 'Int' });
    expect(modelField('Listing', 'status')).toMatchObject({ kind: 'enum', dbType: 'ListingStatus' });
    expect(modelField('Listing', 'shop')).toMatchObject({ kind: 'object', relationFromFields: ['shopId'] });
    expect(() => modelInfo('Nope')).toThrow(NotCompilable);
    expect(() => modelField('Listing', 'nope')).toThrow(NotCompilable);
  });

  it('honours @map and @@map', () => {
    const models = buildDatamodel(
      {
        Listing: {
          fields: [
            { name: 'id', kind: 'scalar', type: 'Int', isRequired: true, isList: false, isId: true },
            { name: 'shopId', kind: 'scalar', type: 'Int', isRequired: true, isList: false, isId: false },
            { name: 'status', kind: 'enum', type: 'ListingStatus', isRequired: true, isList: false, isId: false },
          ],
        },
      },
      { Listing: { table: 'listings', columns: { id: 'id', shopId: 'shop_id', status: 'status' }, optional: [] } },
      { ListingStatus: 'listing_status' },
    );
    const listing = models.get('Listing')!;
    expect(listing.table).toBe('listings');
    expect(listing.fields.get('shopId')!.column).toBe('shop_id');
    expect(listing.fields.get('status')!.dbType).toBe('listing_status');
  });

  it("names a row's shop as the change triggers do", () => {
    expect(shopField('Shop')).toBe('id');
    expect(shopField('Listing')).toBe('shopId');
    expect(shopField('Category')).toBeNull();
    expect(shopField('AuditRecord')).toBeNull();
    expect(() => shopField('Nope')).toThrow(NotCompilable);
  });
});
