import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { CliError, EXIT } from './errors.ts';

/** Where the API is when nothing says otherwise: `npm start`'s address (apps/api: PORT 4000, /graphql). */
export const DEFAULT_ENDPOINT = 'http://localhost:4000/graphql';

/** One named profile of the config file. */
export interface Profile {
  apiKey?: string;
  endpoint?: string;
}

/** The config file: `{ "defaultProfile": "agency", "profiles": { "agency": { "apiKey": "…", "endpoint": "…" } } }`. */
export interface ConfigFile {
  defaultProfile?: string;
  profiles?: Record<string, Profile>;
}

export interface Connection {
  endpoint: string;
  apiKey: string;
  /** The profile the key or endpoint came from, if any. */
  profile: string | null;
}

export interface ConnectionFlags {
  profile?: string | undefined;
  endpoint?: string | undefined;
}

type Env = Record<string, string | undefined>;

/** `$SHOPWARDEN_CONFIG`, else `$XDG_CONFIG_HOME/shopwarden/config.json`, else `~/.config/shopwarden/config.json`. */
export function configPath(env: Env = process.env): string {
  if (env.SHOPWARDEN_CONFIG) return env.SHOPWARDEN_CONFIG;
  return join(env.XDG_CONFIG_HOME || join(env.HOME || homedir(), '.config'), 'shopwarden', 'config.json');
}

/** The config file, or null when there is none; a file that is not valid is an error, not ignored. */
export function readConfig(path: string): ConfigFile | null {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new CliError('CONFIG_UNREADABLE', `Cannot read ${path}: ${(error as Error).message}`, EXIT.USAGE);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new CliError('CONFIG_INVALID', `${path} is not valid JSON: ${(error as Error).message}`, EXIT.USAGE);
  }
  const profiles = (parsed as ConfigFile | null)?.profiles;
  const valid =
    parsed !== null &&
    typeof parsed === 'object' &&
    !Array.isArray(parsed) &&
    (profiles === undefined ||
      (typeof profiles === 'object' &&
        profiles !== null &&
        Object.values(profiles).every(
          (p) =>
            p !== null &&
            typeof p === 'object' &&
            ['apiKey', 'endpoint'].every(
              (k) =>
                (p as Record<string, unknown>)[k] === undefined ||
                typeof (p as Record<string, unknown>)[k] === 'string',
            ),
        )));
  if (!valid)
    throw new CliError(
      'CONFIG_INVALID',
      `${path} must look like {"defaultProfile": "name", "profiles": {"name": {"apiKey": "…", "endpoint": "…"}}}.`,
      EXIT.USAGE,
    );
  return parsed as ConfigFile;
}

/**
 * The endpoint and key for a command. A profile named with `--profile` (or `SHOPWARDEN_PROFILE`) wins over the
 * environment; otherwise `SHOPWARDEN_API_KEY` and `SHOPWARDEN_ENDPOINT` win over the file's default profile.
 * `--endpoint` wins over everything.
 */
export function resolveConnection(flags: ConnectionFlags, env: Env = process.env): Connection {
  const path = configPath(env);
  const config = readConfig(path);
  const named = flags.profile ?? env.SHOPWARDEN_PROFILE;
  let profileName: string | null = null;
  let profile: Profile = {};
  if (named) {
    const found = config?.profiles?.[named];
    if (!found) {
      const known = Object.keys(config?.profiles ?? {});
      throw new CliError(
        'PROFILE_NOT_FOUND',
        config
          ? `No profile "${named}" in ${path}${known.length ? ` (profiles: ${known.join(', ')})` : ''}.`
          : `No profile "${named}": there is no config file at ${path}.`,
        EXIT.USAGE,
      );
    }
    profileName = named;
    profile = found;
  } else {
    const fallback = config?.defaultProfile ?? 'default';
    const found = config?.profiles?.[fallback];
    if (config?.defaultProfile && !found)
      throw new CliError('PROFILE_NOT_FOUND', `defaultProfile "${fallback}" is not in ${path}.`, EXIT.USAGE);
    if (found) {
      profileName = fallback;
      profile = found;
    }
  }
  const pick = (fromEnv: string | undefined, fromProfile: string | undefined) =>
    named ? (fromProfile ?? fromEnv) : (fromEnv ?? fromProfile);
  const apiKey = pick(env.SHOPWARDEN_API_KEY || undefined, profile.apiKey);
  const endpoint = flags.endpoint ?? pick(env.SHOPWARDEN_ENDPOINT || undefined, profile.endpoint) ?? DEFAULT_ENDPOINT;
  if (!apiKey)
    throw new CliError(
      'MISSING_API_KEY',
      profileName
        ? `Profile "${profileName}" in ${path} has no "apiKey", and SHOPWARDEN_API_KEY is not set.`
        : `No API key: set SHOPWARDEN_API_KEY, or add a profile with an "apiKey" to ${path} (see docs/cli.md).`,
      EXIT.USAGE,
    );
  try {
    const url = new URL(endpoint);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('not http');
  } catch {
    throw new CliError('INVALID_ENDPOINT', `The endpoint "${endpoint}" is not an http(s) URL.`, EXIT.USAGE);
  }
  return { endpoint, apiKey, profile: profileName };
}
