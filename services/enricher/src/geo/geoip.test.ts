import fc from 'fast-check';
import maxmind, { type Reader, type Response } from 'maxmind';
import { configSchema } from '../config';
import { GeoIp, geoFromRecord, NO_GEO } from './geoip';

describe('geoFromRecord', () => {
  it('reads the flat @ip-location-db layout', () => {
    expect(geoFromRecord({ city: 'Bracknell', country_code: 'GB', state1: 'England', state2: 'Bracknell Forest' })).toEqual({
      country: 'GB', city: 'Bracknell', region: 'England',
    });
  });

  it("reads MaxMind's GeoIP2 / GeoLite2-City layout", () => {
    expect(
      geoFromRecord({
        city: { geoname_id: 2643743, names: { en: 'London', de: 'London' } },
        country: { iso_code: 'GB', names: { en: 'United Kingdom' } },
        subdivisions: [{ iso_code: 'ENG', names: { en: 'England' } }],
      }),
    ).toEqual({ country: 'GB', city: 'London', region: 'England' });
  });

  it('falls back to the registered country and tolerates missing parts', () => {
    expect(geoFromRecord({ registered_country: { iso_code: 'us' } })).toEqual({ country: 'US', city: '', region: '' });
    expect(geoFromRecord({ country_code: '', city: '' })).toEqual({ country: '', city: '', region: '' });
    expect(geoFromRecord(null)).toBe(NO_GEO);
  });
});

describe('GeoIp over the GeoLite2 files', () => {
  const paths = configSchema.shape.GEOIP_MMDB_PATHS.parse(undefined);
  let geo: GeoIp;
  let readers: Array<Reader<Response>>;
  beforeAll(async () => {
    geo = await GeoIp.open(paths, 1000);
    readers = await Promise.all(paths.map((p) => maxmind.open<Response>(p)));
  });
  const viaMmdbLib = (ip: string) => {
    for (const reader of readers) {
      try {
        const record = reader.get(ip);
        if (record) return geoFromRecord(record as Record<string, unknown>);
      } catch {
        // not an address of this file
      }
    }
    return NO_GEO;
  };

  it('resolves known addresses', () => {
    expect(geo.lookup('81.2.69.160')).toEqual({ country: 'GB', city: 'Bracknell', region: 'England' });
    expect(geo.lookup('8.8.8.8').country).toBe('US');
    expect(geo.lookup('2001:4860:4860::8888').country).toBe('US');
  });

  it('answers what mmdb-lib answers for any IPv4 address, cached or not (a cache of 1,000 records: both paths run)', () => {
    fc.assert(
      fc.property(fc.ipV4(), (ip) => {
        expect(geo.lookup(ip)).toEqual(viaMmdbLib(ip));
      }),
      { numRuns: 20_000 },
    );
    expect(geo.hits).toBeGreaterThan(0);
    expect(geo.misses).toBeGreaterThan(0);
  });

  it('answers what mmdb-lib answers for IPv6, private, reserved and malformed addresses, never throwing', () => {
    for (const ip of ['10.0.0.1', '127.0.0.1', '0.0.0.0', '255.255.255.255', '::1', '::ffff:81.2.69.160', '2a02:c7f::1', 'fe80::1%eth0',
      '01.2.3.4', '1.2.3', '', 'not an ip', '１.２.３.４', '\uD800']) {
      expect(geo.lookup(ip)).toEqual(viaMmdbLib(ip));
    }
    fc.assert(fc.property(fc.ipV6(), (ip) => expect(geo.lookup(ip)).toEqual(viaMmdbLib(ip))), { numRuns: 2000 });
  });

  it('serves a repeated IPv6 address from its cache', async () => {
    const fresh = await GeoIp.open(paths, 1000);
    const first = fresh.lookup('2001:4860:4860::8888');
    expect([fresh.hits, fresh.misses]).toEqual([0, 1]);
    expect(fresh.lookup('2001:4860:4860::8888')).toBe(first);
    expect([fresh.hits, fresh.misses]).toEqual([1, 1]);
  });
});
