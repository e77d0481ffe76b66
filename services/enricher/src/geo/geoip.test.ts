import { geoFromRecord, NO_GEO } from './geoip';

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
