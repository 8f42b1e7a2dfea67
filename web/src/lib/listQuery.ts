/** Paging values of a list's route query, checked: `?page=2&per_page=100`. */
import type { RouteQuery } from './router.svelte';

export const defaultPerPage = 50;

export function pageOf(query: RouteQuery): number {
  return Math.max(1, Math.floor(Number(query['page'])) || 1);
}

export function perPageOf(query: RouteQuery): number {
  return Math.min(500, Math.max(1, Math.floor(Number(query['per_page'])) || defaultPerPage));
}

/**
 * The next route query of a list: `changes` over `current`; anything but paging goes back to
 * page 1, and defaults are left out of the address.
 */
export function nextListQuery(
  current: Record<string, string | number | undefined>,
  changes: Record<string, string | number | undefined>,
): Record<string, string | number | undefined> {
  const next = { ...current };
  if (!('page' in changes)) next['page'] = undefined;
  Object.assign(next, changes);
  if (next['page'] === 1) next['page'] = undefined;
  if (next['per_page'] === defaultPerPage) next['per_page'] = undefined;
  return next;
}
