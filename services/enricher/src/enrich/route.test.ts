import { pathOnly, routeOf, statusClass } from './route';

describe('routes', () => {
  it('strips the query string and fragment', () => {
    expect(pathOnly('/a/b?x=1&y=2')).toBe('/a/b');
    expect(pathOnly('/a#frag')).toBe('/a');
    expect(pathOnly('/plain')).toBe('/plain');
    expect(routeOf('GET', '/img/logo.png?v=3')).toBe('GET /img/logo.png');
  });
  it('caps routes at 256 characters', () => {
    expect(routeOf('GET', `/${'x'.repeat(400)}`)).toHaveLength(256);
  });
  it('maps status to its class', () => {
    expect([100, 200, 204, 301, 404, 499, 500, 599].map(statusClass)).toEqual(['1xx', '2xx', '2xx', '3xx', '4xx', '4xx', '5xx', '5xx']);
  });
});
