import { describe, expect, it } from 'vitest';
import { isMigrationOverdue, statusInForce, withMigration } from './business-model-rules.ts';

describe('business-model migration rules', () => {
  const deadline = new Date('2024-03-10T00:00:00Z');
  const semi = { businessModel: 'SEMI_CLOSED_LOOP' as const, migrationDeadline: deadline };

  it('is overdue from the deadline instant, and only for a SEMI_CLOSED_LOOP shop', () => {
    expect(isMigrationOverdue(semi, new Date('2024-03-09T23:59:59.999Z'))).toBe(false);
    expect(isMigrationOverdue(semi, deadline)).toBe(true);
    expect(isMigrationOverdue({ ...semi, businessModel: 'CLOSED_LOOP' }, deadline)).toBe(false);
    expect(isMigrationOverdue({ ...semi, migrationDeadline: null }, deadline)).toBe(false);
  });

  it('holds an overdue shop at least RESTRICTED, never lighter than its health', () => {
    expect(withMigration('ACTIVE', true)).toBe('RESTRICTED');
    expect(withMigration('SUSPENDED', true)).toBe('SUSPENDED');
    expect(withMigration('ACTIVE', false)).toBe('ACTIVE');
    expect(statusInForce({ ...semi, status: 'ACTIVE' }, deadline)).toEqual({
      status: 'RESTRICTED',
      statusReason: expect.stringContaining('shopBusinessModelMigrate'),
    });
    expect(statusInForce({ ...semi, status: 'ACTIVE' }, new Date('2024-03-01T00:00:00Z'))).toEqual({
      status: 'ACTIVE',
      statusReason: null,
    });
    expect(statusInForce({ ...semi, status: 'SUSPENDED' }, deadline)).toEqual({
      status: 'SUSPENDED',
      statusReason: null,
    });
  });
});
