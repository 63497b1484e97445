import type { Database } from '@shopwarden/db';
import { GraphQLError, type ExecutionArgs, type ExecutionResult } from 'graphql';
import type { Plugin } from 'graphql-yoga';

export interface ExecutionBudgetOptions {
  db: Pick<Database, 'cancellable'>;
  timeoutMs: number;
  onTimeout?: () => void;
}

/**
 * An operation's execution gets `timeoutMs`: past it the request is answered 504 `TIMEOUT` and its
 * database work is cancelled (statements running are cancelled, later ones refused, an open
 * transaction rolls back). Wraps every other execute step, compiled reads included.
 */
export function useExecutionBudget({ db, timeoutMs, onTimeout }: ExecutionBudgetOptions): Plugin {
  return {
    onExecute({ executeFn, setExecuteFn }) {
      setExecuteFn(
        (args: ExecutionArgs) =>
          new Promise((resolve, reject) => {
            const run = db.cancellable(async () => executeFn(args) as Promise<ExecutionResult>);
            let settled = false;
            const timer = setTimeout(() => {
              settled = true;
              onTimeout?.();
              // Answered once the statements are cancelled, so no work of this request outlives its answer.
              void run.cancel().finally(() => resolve(timedOut(timeoutMs)));
            }, timeoutMs);
            run.result.then(
              (result) => {
                if (settled) return;
                settled = true;
                clearTimeout(timer);
                resolve(result);
              },
              (error: unknown) => {
                if (settled) return;
                settled = true;
                clearTimeout(timer);
                reject(error);
              },
            );
          }),
      );
    },
  };
}

function timedOut(timeoutMs: number): ExecutionResult {
  return {
    errors: [
      new GraphQLError(
        `The operation ran longer than ${timeoutMs} ms and was stopped; its database work was cancelled. Ask for less (a smaller page, fewer fields) or retry later.`,
        { extensions: { code: 'TIMEOUT', http: { status: 504 } } },
      ),
    ],
  };
}
