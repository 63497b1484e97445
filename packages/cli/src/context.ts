import { createShopWardenClient, type ShopWardenClient } from '@shopwarden/sdk';
import { resolveConnection, type ConnectionFlags } from './config.ts';

declare const __CLI_VERSION__: string | undefined;
/** Set by the build from package.json. */
export const VERSION = typeof __CLI_VERSION__ === 'string' ? __CLI_VERSION__ : '0.0.0-dev';

/** Where a command writes, and what it knows of the terminal. */
export interface Io {
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
  env: Record<string, string | undefined>;
}

export const defaultIo: Io = { stdout: process.stdout, stderr: process.stderr, env: process.env };

/** A client for the endpoint and key the flags, the environment and the profile file name. */
export function clientFor(flags: ConnectionFlags, io: Io): ShopWardenClient {
  const { endpoint, apiKey } = resolveConnection(flags, io.env);
  return createShopWardenClient({
    url: endpoint,
    apiKey,
    headers: { 'user-agent': `shopwarden-cli/${VERSION}` },
  });
}

/** One JSON value per line. */
export const jsonLine = (value: unknown) => `${JSON.stringify(value)}\n`;

/** One JSON document, indented for reading (jq reads it as well). */
export const jsonDocument = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;
