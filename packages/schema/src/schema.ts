import { lexicographicSortSchema, type GraphQLSchema } from 'graphql';
import { builder } from './builder.ts';
import { describeGeneratedParts } from './lib/describe.ts';

// The modules, listed explicitly so the architecture reads from this file.
import './modules/core/errors.ts';
import './modules/core/money.ts';
import './modules/platform/platform-settings.node.ts';
import './modules/auth/api-key.node.ts';
import './modules/auth/api-key-create.mutation.ts';
import './modules/auth/api-key-revoke.mutation.ts';
import './modules/auth/shop-access.mutation.ts';
import './modules/shops/category.node.ts';
import './modules/shops/shop.node.ts';
import './modules/shops/category-selection.node.ts';
import './modules/shops/campaign.node.ts';
import './modules/shops/shop-onboard.mutation.ts';
import './modules/shops/shop-select-primary-category.mutation.ts';
import './modules/shops/category-exception-request-review.mutation.ts';
import './modules/shops/shop-change-primary-category.mutation.ts';
import './modules/shops/primary-category-auto-assign.mutation.ts';

export const schema: GraphQLSchema = describeGeneratedParts(builder.toSchema());

/** The schema as committed in packages/schema/schema.graphql (sorted, so diffs stay readable). */
export function printableSchema(): GraphQLSchema {
  return lexicographicSortSchema(schema);
}
