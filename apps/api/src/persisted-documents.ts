import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { usePersistedOperations } from '@graphql-yoga/plugin-persisted-operations';
import { createGraphQLError, type Plugin } from 'graphql-yoga';

/** Hashes of recent document texts: a client sends the same few texts on every request. */
const hashes = new Map<string, string>();
const MAX_HASHED = 1_000;
/** Longer texts are hashed every time: the memo holds at most MAX_HASHED × this many characters. */
const MAX_HASHED_LENGTH = 10_000;

function sha256(text: string): string {
  let hash = hashes.get(text);
  if (hash === undefined) {
    hash = createHash('sha256').update(text).digest('hex');
    if (text.length <= MAX_HASHED_LENGTH) {
      if (hashes.size >= MAX_HASHED) hashes.clear();
      hashes.set(text, hash);
    }
  }
  return hash;
}

/** The SDK's documents by sha256, written by its codegen (`packages/sdk/persisted-documents.json`). */
export function loadTrustedDocuments(): ReadonlyMap<string, string> {
  const path = createRequire(import.meta.url).resolve('@shopwarden/sdk/persisted-documents.json');
  return new Map(Object.entries(JSON.parse(readFileSync(path, 'utf8')) as Record<string, string>));
}

/** Documents registered by clients with Apollo's automatic persisted queries: the most recent `max`, in this process. */
class RecentDocuments {
  private readonly entries = new Map<string, string>();
  constructor(private readonly max: number) {}
  get(hash: string): string | undefined {
    const document = this.entries.get(hash);
    if (document !== undefined) {
      this.entries.delete(hash);
      this.entries.set(hash, document);
    }
    return document;
  }
  set(hash: string, document: string) {
    this.entries.delete(hash);
    this.entries.set(hash, document);
    if (this.entries.size > this.max) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
  }
}

export interface PersistedDocumentsOptions {
  trusted: ReadonlyMap<string, string>;
  /** Whether the request's key runs only trusted documents. */
  trustedOnly: (request: Request) => Promise<boolean>;
  /** Where GraphQL over SSE (single-connection mode) is served. */
  streamEndpoint: string;
  /** How many APQ documents to remember. */
  maxRegistered?: number;
}

const hashOf = (extensions: unknown): string | null => {
  const persisted = (extensions as { persistedQuery?: { version?: unknown; sha256Hash?: unknown } } | undefined)
    ?.persistedQuery;
  return persisted?.version === 1 && typeof persisted.sha256Hash === 'string' ? persisted.sha256Hash : null;
};

/**
 * Persisted operations: trusted documents (the SDK's, registered at build) and Apollo's automatic
 * persisted queries (a client sends a hash; when it is unknown, the text with the hash, which is
 * then remembered). A key marked `trustedDocumentsOnly` runs trusted documents only.
 */
export function usePersistedDocuments(options: PersistedDocumentsOptions): Plugin[] {
  const registered = new RecentDocuments(options.maxRegistered ?? 10_000);
  const refuse = (message: string, code: string, status: number) =>
    createGraphQLError(message, { extensions: { code, http: { status } } });
  const refuseUntrusted = () =>
    refuse(
      "This key runs only trusted documents (the SDK's operations); this document is not one.",
      'PERSISTED_QUERY_ONLY',
      403,
    );
  const register: Plugin = {
    // GraphQL over SSE in single-connection mode skips the params phase: its operations are checked here.
    async onRequest({ request, url, endResponse, fetchAPI }) {
      if (url.pathname !== options.streamEndpoint || !(await options.trustedOnly(request))) return;
      let query: string | null = url.searchParams.get('query');
      if (request.method === 'POST') {
        const body = (await request
          .clone()
          .json()
          .catch(() => null)) as { query?: unknown } | null;
        query = typeof body?.query === 'string' ? body.query : null;
      }
      if (query !== null && !options.trusted.has(sha256(query))) {
        const error = refuseUntrusted();
        endResponse(
          new fetchAPI.Response(
            JSON.stringify({ errors: [{ message: error.message, extensions: { code: error.extensions.code } }] }),
            {
              status: 403,
              headers: { 'content-type': 'application/json; charset=utf-8' },
            },
          ),
        );
      }
    },
    async onParams({ params, request }) {
      const hash = hashOf(params.extensions);
      if (!params.query) {
        if (hash && !options.trusted.has(hash) && (await options.trustedOnly(request)))
          throw refuse('This key runs only trusted documents; this hash is not one.', 'PERSISTED_QUERY_ONLY', 403);
        return;
      }
      const actual = sha256(params.query);
      if (hash && hash !== actual)
        throw refuse('extensions.persistedQuery.sha256Hash is not the hash of the query.', 'BAD_REQUEST', 400);
      if (!options.trusted.has(actual) && (await options.trustedOnly(request))) throw refuseUntrusted();
      if (hash && !options.trusted.has(hash)) registered.set(hash, params.query);
    },
  };
  return [
    register,
    usePersistedOperations({
      allowArbitraryOperations: true,
      getPersistedOperation: (hash) => options.trusted.get(hash) ?? registered.get(hash) ?? null,
      customErrors: {
        // Apollo Client's persisted-queries link resends the text when it sees this message or code.
        notFound: {
          message: 'PersistedQueryNotFound',
          extensions: { code: 'PERSISTED_QUERY_NOT_FOUND', http: { status: 200 } },
        },
        keyNotFound: {
          message: 'Send a query, or extensions.persistedQuery with version 1 and its sha256Hash.',
          extensions: { code: 'BAD_REQUEST', http: { status: 400 } },
        },
      },
    }),
  ];
}
