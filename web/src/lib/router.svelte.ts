/**
 * A small hash router: `#/agencies?page=2&sort=-name` → path `/agencies` and its query. Lists
 * keep their page, sort, search and filters in the query so the back button and links restore
 * them.
 */

export type RouteQuery = Record<string, string>;

export const route = $state<{ path: string; query: RouteQuery }>({ path: '/', query: {} });

function readHash(): void {
  const hash = window.location.hash.replace(/^#/, '');
  const questionMark = hash.indexOf('?');
  const path = (questionMark < 0 ? hash : hash.slice(0, questionMark)) || '/';
  const search = questionMark < 0 ? '' : hash.slice(questionMark + 1);
  route.path = path.startsWith('/') ? path : `/${path}`;
  route.query = Object.fromEntries(new URLSearchParams(search));
}

readHash();
window.addEventListener('hashchange', readHash);

/** The path's segments, decoded: `/agencies/a%2F1` → ['agencies', 'a/1']. */
export function segments(path: string): string[] {
  return path
    .split('/')
    .filter((part) => part !== '')
    .map((part) => {
      try {
        return decodeURIComponent(part);
      } catch {
        return part;
      }
    });
}

/** A link target for the router; empty query values are left out. */
export function href(
  path: string,
  query: Record<string, string | number | undefined> = {},
): string {
  const search = Object.entries(query)
    .filter(([, value]) => value !== undefined && value !== '')
    .map(([name, value]) => `${encodeURIComponent(name)}=${encodeURIComponent(String(value))}`)
    .join('&');
  return `#${path}${search ? `?${search}` : ''}`;
}

export function navigate(
  path: string,
  query: Record<string, string | number | undefined> = {},
  options: { replace?: boolean } = {},
): void {
  const target = href(path, query);
  if (options.replace) {
    window.history.replaceState(window.history.state, '', target);
    readHash();
  } else if (window.location.hash !== target) {
    window.location.hash = target;
  }
}

/** A record's detail path; ids are opaque, so they are encoded. */
export function recordPath(collection: string, id: string): string {
  return `/${collection}/${encodeURIComponent(id)}`;
}
