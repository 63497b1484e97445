import { builder } from '#builder';
import { minorToDecimal } from '#lib/scalars.ts';
import { compiledJson, jsonDecimalFromMinor, jsonPlain } from '#compiled';

/** What resolvers return for a Money field: integer minor units (cents) and the ISO currency. */
export interface MoneyShape {
  minor: number | bigint;
  currency: string;
}

/** Money everywhere in the API: an exact decimal amount, its currency, and the integer minor units. */
export const MoneyRef = builder.objectRef<MoneyShape>('Money').implement({
  description: 'An amount of money. Amounts are exact: never use floating point for them.',
  fields: (t) => ({
    // Compiled reads: a Money built in SQL carries `minor` and `currency` expressions (see compiledObject).
    amount: t.string({
      description: 'The amount as a decimal string with two decimals, e.g. "1234.50".',
      extensions: compiledJson((m) => jsonDecimalFromMinor(m.value('minor'))),
      resolve: (m) => minorToDecimal(m.minor),
    }),
    currencyCode: t.field({
      type: 'CurrencyCode',
      description: 'ISO 4217 currency code.',
      extensions: compiledJson((m) => jsonPlain(m.value('currency'), false)),
      resolve: (m) => m.currency,
    }),
    minorUnits: t.string({
      description:
        'The amount in minor units (cents) as an integer string, e.g. "123450" (a string because sums can exceed 32 bits).',
      extensions: compiledJson((m) => jsonPlain(m.value('minor'), false)),
      resolve: (m) => m.minor.toString(),
    }),
  }),
});

export const MoneyInput = builder.inputType('MoneyInput', {
  description: 'An amount of money in minor units (cents).',
  fields: (t) => ({
    minorUnits: t.int({ required: true, description: 'The amount in minor units, e.g. 1999 for 19.99.' }),
    currencyCode: t.field({ type: 'CurrencyCode', required: true, description: 'ISO 4217 currency code.' }),
  }),
});
