/** The part of a Relay connection that pagination needs. */
export interface ConnectionLike<TNode> {
  edges: ReadonlyArray<{ node: TNode }>;
  pageInfo: { hasNextPage: boolean; endCursor?: string | null };
}

/**
 * Every node of a connection, page after page: calls `fetchPage(after)` with `null` first, then
 * with each page's `pageInfo.endCursor` while `hasNextPage` is true. Stops on a missing
 * connection (e.g. a shop out of reach) or a repeated cursor.
 *
 * ```ts
 * for await (const shop of paginate((after) => client.shops.list({ after, first: 50 }))) console.log(shop.name);
 * ```
 */
export async function* paginate<TNode>(
  fetchPage: (after: string | null) => Promise<ConnectionLike<TNode> | null | undefined>,
): AsyncGenerator<TNode, void, undefined> {
  let after: string | null = null;
  const seen = new Set<string>();
  for (;;) {
    const page: ConnectionLike<TNode> | null | undefined = await fetchPage(after);
    if (!page) return;
    for (const edge of page.edges) yield edge.node;
    const next = page.pageInfo.endCursor;
    if (!page.pageInfo.hasNextPage || !next || seen.has(next)) return;
    seen.add(next);
    after = next;
  }
}
