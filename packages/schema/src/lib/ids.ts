import { ValidationError } from './errors.ts';

/** Turns the `id` part of a decoded global ID into the integer primary key, or a typed validation error. */
export function toDbId(globalId: { id: string } | string, path: string[]): number {
  const raw = typeof globalId === 'string' ? globalId : globalId.id;
  const id = Number(raw);
  if (!Number.isSafeInteger(id) || id <= 0) throw ValidationError.field(path, 'Not a valid ID.');
  return id;
}
