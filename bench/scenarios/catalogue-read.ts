/**
 * A catalogue root: `policies(first: n)` with each policy's active quizzes, the page size different
 * every request (1–20), as a seller; PostGraphile's `allPolicies` with `quizzesByPolicyId` alike.
 */
import { DEMO_KEYS } from '@shopwarden/db/seed';
import { compareRead } from '../lib/read.ts';
import { type Scenario } from '../lib/scenario.ts';

/** Page sizes 1…20 in a fixed shuffle, so consecutive requests differ. */
const size = (i: number) => 1 + ((i * 7) % 20);

export const API_QUERY = `query CatalogueRead($first: Int!) {
  policies(first: $first) {
    edges { cursor node {
      id code title description defaultPoints educationUrl active
      quizzes { id title active }
    } }
    pageInfo { hasNextPage endCursor }
  }
}`;

const POSTGRAPHILE_QUERY = `query CatalogueRead($first: Int!) {
  allPolicies(first: $first, orderBy: PRIMARY_KEY_ASC) {
    edges { cursor node {
      id code title description defaultPoints educationUrl active
      quizzesByPolicyId(orderBy: PRIMARY_KEY_ASC) { nodes { id title active } }
    } }
    pageInfo { hasNextPage endCursor }
  }
}`;

type Edges<T> = { edges: { node: T }[] };
const ourId = (g: string) => Number(Buffer.from(g, 'base64').toString().split(':')[1]);
const theirId = (g: string) => (JSON.parse(Buffer.from(g, 'base64').toString()) as [string, number])[1];

const scenario: Scenario = {
  name: 'catalogue-read',
  title: 'Catalogue read, a different page size every request',
  measures: '`policies(first: 1–20)` with their active quizzes, as a seller; beside PostGraphile’s `allPolicies`',
  databases: ['postgres', 'pglite'],
  usesBenchDatabase: true,
  run(ctx) {
    type OurNode = { id: string; quizzes: { id: string }[] };
    type TheirNode = { id: string; quizzesByPolicyId: { nodes: { id: string; active: boolean }[] } };
    return compareRead(ctx, {
      description:
        "`policies(first: $first)` (the catalogue by id) with every column and `quizzes` (active, by id), `$first` 1–20 varying every request; demo seller key. PostGraphile: `allPolicies(first:, orderBy: PRIMARY_KEY_ASC)` with `quizzesByPolicyId` (all of a policy's quizzes: its preset offers no condition on the unindexed `active`; the check keeps the active ones; the seed's quizzes are all active).",
      api: { query: API_QUERY, apiKey: DEMO_KEYS.seller, vary: (i) => ({ first: size(i) }) },
      postgraphile: {
        query: POSTGRAPHILE_QUERY,
        vary: (i) => ({ first: size(i) }),
        rows: {
          ours: (data) =>
            (data as { policies: Edges<OurNode> }).policies.edges.map((e) => [
              ourId(e.node.id),
              e.node.quizzes.map((q) => ourId(q.id)),
            ]),
          theirs: (data) =>
            (data as { allPolicies: Edges<TheirNode> }).allPolicies.edges.map((e) => [
              theirId(e.node.id),
              e.node.quizzesByPolicyId.nodes.filter((q) => q.active).map((q) => theirId(q.id)),
            ]),
        },
      },
    });
  },
};
export default scenario;
