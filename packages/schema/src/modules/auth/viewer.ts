import type { Role } from '@shopwarden/db';
import { ForbiddenError } from '#lib/errors.ts';

/** The authenticated caller, resolved once per request from the API key. */
export interface Viewer {
  apiKeyId: number;
  role: Role;
  scopes: readonly string[];
  /** The seller's own shop (SELLER keys). */
  shopId: number | null;
  /** The agency or partner account (AGENCY and PARTNER keys). */
  accountId: number | null;
  /** Shops this caller may reach; `null` means every shop (ADMIN). */
  shopIds: readonly number[] | null;
  /** The key runs only trusted documents (registered by hash); absent means false. */
  trustedDocumentsOnly?: boolean;
  /** Creators this caller represents (PARTNER keys of an account with creator representations); empty otherwise. */
  representedCreatorIds: readonly number[];
}

/** Whether the caller's key carries `scope` (or the `*` wildcard). */
export function hasScope(viewer: Viewer | null | undefined, scope: string): viewer is Viewer {
  return !!viewer && (viewer.scopes.includes('*') || viewer.scopes.includes(scope));
}

export function isAdmin(viewer: Viewer | null | undefined): viewer is Viewer {
  return viewer?.role === 'ADMIN';
}

export function assertAdmin(viewer: Viewer | null): asserts viewer is Viewer {
  if (!isAdmin(viewer)) throw new ForbiddenError('Only platform administrators can do this.');
}
