import type { PrismaClient } from '../generated/prisma/client';
export async function seedDatabase(_prisma: PrismaClient): Promise<string> {
  return 'nothing';
}
