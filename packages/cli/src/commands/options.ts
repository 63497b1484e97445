import { InvalidArgumentError } from 'commander';

/** A commander parser for a whole number from 1 (to `max`). */
export const parsePositiveInt =
  (flag: string, max = Number.MAX_SAFE_INTEGER) =>
  (value: string) => {
    const n = Number(value);
    if (!/^\d+$/.test(value) || n < 1 || n > max)
      throw new InvalidArgumentError(
        `${flag} must be a whole number from 1${max < Number.MAX_SAFE_INTEGER ? ` to ${max}` : ''}.`,
      );
    return n;
  };

/** A commander parser for a JSON object. */
export const parseJsonOption = (flag: string) => (value: string) => {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch (error) {
    throw new InvalidArgumentError(`${flag} is not valid JSON: ${(error as Error).message}`);
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed))
    throw new InvalidArgumentError(`${flag} must be a JSON object.`);
  return parsed as Record<string, unknown>;
};

/** Repeatable options collect into an array. */
export const collect = (value: string, previous: string[] = []) => [...previous, value];
