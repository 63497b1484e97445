import type { DatabaseTarget } from './config.ts';

/** The PostgreSQL URL without its password, for messages. */
export function safeUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(an unparsable DATABASE_URL)';
  }
}

/** A message a person can act on when the database cannot be reached, or null for other errors. */
export function explainDatabaseError(error: unknown, target: DatabaseTarget): string | null {
  if (target.kind !== 'postgres') return null;
  const err = error as { code?: string; message?: string } | null;
  const message = String(err?.message ?? '');
  let url: URL;
  try {
    url = new URL(target.url);
  } catch {
    return `DATABASE_URL is not a valid URL: use postgresql://user@host:5432/dbname`;
  }
  const name = decodeURIComponent(url.pathname.slice(1)) || 'postgres';
  if (err?.code === '3D000' || /database .* does not exist/i.test(message)) {
    const flags = [
      url.hostname && `-h ${url.hostname}`,
      url.port && `-p ${url.port}`,
      url.username && `-U ${url.username}`,
    ]
      .filter(Boolean)
      .join(' ');
    return `The database "${name}" does not exist on ${url.host}. Create it, then start again:\n  createdb ${flags} ${name}`;
  }
  if (err?.code === 'ECONNREFUSED' || /ECONNREFUSED|Can't reach database server/i.test(message))
    return `Cannot connect to PostgreSQL at ${url.host} (${safeUrl(target.url)}): is the server running? ${message}`.trim();
  if (err?.code === '28P01' || err?.code === '28000' || /password authentication failed|authentication/i.test(message))
    return `PostgreSQL at ${url.host} refused the login in DATABASE_URL: ${message}`;
  return null;
}
