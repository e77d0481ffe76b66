import { isWellFormed } from '@cdnlog/common';
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
  it('cuts by code point, never through a surrogate pair', () => {
    // "GET /" + 250 "a" is 255 code points: one emoji (two UTF-16 units) still fits, whole.
    const route = routeOf('GET', `/${'a'.repeat(250)}${'😀'.repeat(20)}`);
    expect(route).toBe(`GET /${'a'.repeat(250)}😀`);
    expect([...route]).toHaveLength(256);
    expect(route).toHaveLength(257);
    expect(isWellFormed(route)).toBe(true);
    expect(routeOf('GET', `/${'😀'.repeat(300)}`)).toBe(`GET /${'😀'.repeat(251)}`);
  });
  it('counts a combining mark as a code point of its own', () => {
    // "é" written as e + U+0301: two code points each; 251 code points follow "GET /".
    const route = routeOf('GET', `/${'e\u0301'.repeat(200)}`);
    expect([...route]).toHaveLength(256);
    expect(route).toBe(`GET /${'e\u0301'.repeat(125)}e`);
    expect(routeOf('GET', `/caf${'e\u0301'}?q=1`)).toBe('GET /cafe\u0301');
  });
  it('maps status to its class', () => {
    expect([100, 200, 204, 301, 404, 499, 500, 599].map(statusClass)).toEqual(['1xx', '2xx', '2xx', '3xx', '4xx', '4xx', '5xx', '5xx']);
  });
});
