import { cutCodePoints } from '@cdnlog/common';

/** Path without query string or fragment. */
export function pathOnly(url: string): string {
  const cut = url.search(/[?#]/);
  return cut === -1 ? url : url.slice(0, cut);
}

/** Routes are cut to this many code points. */
export const MAX_ROUTE_CODE_POINTS = 256;

/**
 * `METHOD path` (no query string), capped at 256 code points: the unit of "top
 * routes". Cut between code points, never through a surrogate pair (half a pair
 * is not UTF-8: ClickHouse would refuse the row). A combining mark is a code
 * point of its own, so the cut may separate it from its base letter.
 */
export function routeOf(method: string, url: string): string {
  return cutCodePoints(`${method} ${pathOnly(url)}`, MAX_ROUTE_CODE_POINTS);
}

export function statusClass(status: number): '1xx' | '2xx' | '3xx' | '4xx' | '5xx' {
  return `${Math.min(5, Math.max(1, Math.floor(status / 100)))}xx` as '1xx' | '2xx' | '3xx' | '4xx' | '5xx';
}
