/** Path without query string or fragment. */
export function pathOnly(url: string): string {
  const cut = url.search(/[?#]/);
  return cut === -1 ? url : url.slice(0, cut);
}

/** `METHOD path` (no query string), capped at 256 characters: the unit of "top routes". */
export function routeOf(method: string, url: string): string {
  return `${method} ${pathOnly(url)}`.slice(0, 256);
}

export function statusClass(status: number): '1xx' | '2xx' | '3xx' | '4xx' | '5xx' {
  return `${Math.min(5, Math.max(1, Math.floor(status / 100)))}xx` as '1xx' | '2xx' | '3xx' | '4xx' | '5xx';
}
