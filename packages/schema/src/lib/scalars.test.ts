import { describe, expect, it } from 'vitest';
import { CountryCodeScalar, CurrencyCodeScalar } from './scalars.ts';

describe('code scalars', () => {
  it('refuse a code in lower case with a message whose example is the form they accept', () => {
    expect(() => CurrencyCodeScalar.parseValue('usd')).toThrow(
      'CurrencyCode must be an ISO 4217 currency code in upper case, such as "USD"; got "usd".',
    );
    expect(() => CountryCodeScalar.parseValue('us')).toThrow(
      'CountryCode must be an ISO 3166-1 alpha-2 country code in upper case, such as "US"; got "us".',
    );
    expect(CurrencyCodeScalar.parseValue('USD')).toBe('USD');
  });
});
