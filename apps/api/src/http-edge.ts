import type { ErrorCode } from '@shopwarden/schema';
import { GraphQLError, Kind } from 'graphql';
import { createGraphQLError, isAsyncIterable, mapAsyncIterator, type Plugin } from 'graphql-yoga';

/** The code of a top-level error that came without one, from the HTTP status it asked for. */
export const codeOfStatus: Record<number, ErrorCode> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'BAD_REQUEST',
  406: 'NOT_ACCEPTABLE',
  409: 'CONFLICT',
  413: 'LIMIT_EXCEEDED',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  422: 'IDEMPOTENCY_KEY_REUSED',
  429: 'THROTTLED',
  503: 'SERVICE_UNAVAILABLE',
  504: 'TIMEOUT',
};

const unsupportedMediaType = 'Send the operation as application/json in UTF-8.';
const messageOfStatus: Record<number, string> = {
  405: 'This method is not allowed here; send GraphQL operations as POST (or queries as GET).',
  406: 'None of the media types in Accept can be served; accept application/json, application/graphql-response+json or text/event-stream.',
  415: unsupportedMediaType,
};

/** A JSON error body for responses the server ends before any GraphQL result exists. */
export function errorResponse(
  fetchAPI: { Response: typeof Response },
  status: number,
  message: string,
  requestId: string,
  headers: Record<string, string> = {},
): Response {
  const code = codeOfStatus[status] ?? (status >= 500 ? 'INTERNAL' : 'BAD_REQUEST');
  return new fetchAPI.Response(JSON.stringify({ errors: [{ message, extensions: { code, requestId } }] }), {
    status,
    headers: { ...headers, 'content-type': 'application/json; charset=utf-8' },
  });
}

/** Suggestions name fields and enum values a caller did not ask about (graphql-js phrases them all "Did you mean …?"). */
const SUGGESTION = /\s*Did you mean [^?]*\?/g;

/** The code of an error that carries none: by the HTTP status it set, else by where it arose. */
function defaultCode(error: GraphQLError): ErrorCode {
  // The executor reports variable values it could not coerce at the variable's definition.
  if (error.nodes?.some((node) => node.kind === Kind.VARIABLE_DEFINITION)) return 'VALIDATION_FAILED';
  const status = (error.extensions.http as { status?: number } | undefined)?.status;
  if (status) return codeOfStatus[status] ?? (status >= 500 ? 'INTERNAL' : 'BAD_REQUEST');
  // An execution error without a code is none of ours (every error we raise has one): a bug.
  return error.path ? 'INTERNAL' : 'BAD_REQUEST';
}

/** Every top-level error with a code and the request id, suggestions hidden, no parser or driver text. */
function formatError(error: GraphQLError, requestId: string): GraphQLError {
  // `originalError` is where Yoga puts the JSON parser's message; `http` is read again after this (status, headers).
  const { originalError: _parserMessage, ...extensions } = error.extensions as Record<string, unknown>;
  const code = (extensions.code as string | undefined) ?? defaultCode(error);
  // A request that is not GraphQL over HTTP at all (malformed JSON, no query) is 400 whatever it accepts.
  if (code === 'BAD_REQUEST') extensions.http = { status: 400, ...(extensions.http as object), spec: false };
  return new GraphQLError(error.message.replace(SUGGESTION, ''), {
    nodes: error.nodes,
    source: error.source,
    positions: error.positions,
    path: error.path,
    originalError: error.originalError,
    extensions: { ...extensions, code, requestId },
  });
}

function formatResult<R extends { errors?: readonly GraphQLError[] }>(result: R, requestId: string): R {
  if (!result.errors?.length) return result;
  return { ...result, errors: result.errors.map((error) => formatError(error, requestId)) };
}

/**
 * The API's HTTP edge: a POST body must be JSON in UTF-8 (anything else, form posts included, is
 * 415 and never parsed), every top-level error carries `extensions.code` and `extensions.requestId`,
 * and responses Yoga ends without a body (405, 406, 415) get a JSON one.
 */
export function useHttpEdge(requestIdOf: (request: Request) => string): Plugin {
  return {
    onRequestParse({ request }) {
      if (request.method !== 'POST') return;
      if (!isJsonInUtf8(request.headers.get('content-type'))) {
        throw createGraphQLError(unsupportedMediaType, {
          extensions: { code: 'UNSUPPORTED_MEDIA_TYPE', http: { status: 415 } },
        });
      }
    },
    onResultProcess({ request, result, setResult }) {
      const id = requestIdOf(request);
      if (Array.isArray(result)) setResult(result.map((r) => formatResult(r, id)));
      else if (isAsyncIterable(result)) setResult(mapAsyncIterator(result, (r) => formatResult(r, id)));
      else setResult(formatResult(result, id));
    },
    onResponse({ request, response, setResponse, fetchAPI }) {
      if (response.status < 400 || response.body !== null) return;
      const headers = Object.fromEntries(response.headers);
      const message = messageOfStatus[response.status] ?? response.statusText;
      setResponse(errorResponse(fetchAPI, response.status, message, requestIdOf(request), headers));
    },
  };
}

/** `application/json`, with no charset or UTF-8 (RFC 8259: JSON between systems is UTF-8). */
function isJsonInUtf8(contentType: string | null): boolean {
  if (!contentType) return false;
  const [mediaType, ...params] = contentType.split(';').map((part) => part.trim().toLowerCase());
  if (mediaType !== 'application/json') return false;
  return params.every((param) => {
    const [name, value] = param.split('=').map((s) => s.trim());
    return name !== 'charset' || value?.replace(/^"(.*)"$/, '$1') === 'utf-8';
  });
}
