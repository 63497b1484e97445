import { GraphQLError, Kind, GraphQLScalarType } from 'graphql';

const currencyPattern = /^[A-Z]{3}$/;
const countryPattern = /^[A-Z]{2}$/;

function codeScalar(name: string, pattern: RegExp, description: string): GraphQLScalarType<string, string> {
  // Only the article is lowered: the example ("USD") must stay as it has to be sent.
  const expected = description.charAt(0).toLowerCase() + description.slice(1).replace(/\.$/, '');
  const parse = (value: unknown): string => {
    if (typeof value !== 'string' || !pattern.test(value)) {
      throw new GraphQLError(`${name} must be ${expected}; got ${JSON.stringify(value)}.`);
    }
    return value;
  };
  return new GraphQLScalarType<string, string>({
    name,
    description,
    serialize: (v) => String(v),
    parseValue: parse,
    parseLiteral: (ast) => parse(ast.kind === Kind.STRING ? ast.value : undefined),
  });
}

export const CurrencyCodeScalar = codeScalar(
  'CurrencyCode',
  currencyPattern,
  'An ISO 4217 currency code in upper case, such as "USD".',
);
export const CountryCodeScalar = codeScalar(
  'CountryCode',
  countryPattern,
  'An ISO 3166-1 alpha-2 country code in upper case, such as "US".',
);

/** Integer minor units as a decimal string: 12345 USD cents → "123.45" (2 decimals for every currency we settle). */
export function minorToDecimal(minor: number | bigint, decimals = 2): string {
  const value = BigInt(minor);
  const negative = value < 0n;
  const abs = negative ? -value : value;
  const base = 10n ** BigInt(decimals);
  const whole = abs / base;
  const frac = (abs % base).toString().padStart(decimals, '0');
  return `${negative ? '-' : ''}${whole}${decimals ? `.${frac}` : ''}`;
}
