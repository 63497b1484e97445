export type OperationKind = 'query' | 'mutation' | 'subscription';

export interface OperationInfo {
  kind: OperationKind;
  name: string | null;
}

/**
 * The kind and name of the operation a document runs (the named one, or the first), found by
 * scanning its top-level definitions: the client ships no GraphQL parser.
 */
export function describeOperation(document: string, operationName?: string): OperationInfo {
  const operations: OperationInfo[] = [];
  let depth = 0;
  // Inside a definition's header (`query Name($v: T)` or `fragment F on T`), before its `{`.
  let header: { operation: OperationInfo | null; named: boolean } | null = null;
  let i = 0;
  while (i < document.length) {
    const c = document.charAt(i);
    if (c === '#') {
      while (i < document.length && document[i] !== '\n' && document[i] !== '\r') i++;
      continue;
    }
    if (c === '"') {
      if (document.startsWith('"""', i)) {
        const end = document.indexOf('"""', i + 3);
        i = end < 0 ? document.length : end + 3;
      } else {
        i++;
        while (i < document.length && document[i] !== '"' && document[i] !== '\n') i += document[i] === '\\' ? 2 : 1;
        i++;
      }
      continue;
    }
    if (c === '{' || c === '(' || c === '[') {
      if (c === '{' && depth === 0) {
        if (!header) operations.push({ kind: 'query', name: null });
        header = null;
      }
      depth++;
      i++;
      continue;
    }
    if (c === '}' || c === ')' || c === ']') {
      depth--;
      i++;
      continue;
    }
    if (/[A-Za-z_]/.test(c)) {
      const start = i;
      while (i < document.length && /\w/.test(document.charAt(i))) i++;
      if (depth !== 0) continue;
      const word = document.slice(start, i);
      if (!header) {
        if (word === 'query' || word === 'mutation' || word === 'subscription') {
          const operation: OperationInfo = { kind: word, name: null };
          operations.push(operation);
          header = { operation, named: false };
        } else {
          header = { operation: null, named: true };
        }
      } else if (header.operation && !header.named) {
        header.operation.name = word;
        header.named = true;
      }
      continue;
    }
    if (c === '@' && header) header.named = true;
    i++;
  }
  const found = operationName ? operations.find((o) => o.name === operationName) : operations[0];
  return found ?? { kind: 'query', name: operationName ?? null };
}
