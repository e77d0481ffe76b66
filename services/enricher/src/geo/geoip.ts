import maxmind, { type Reader, type Response } from 'maxmind';
import { RecentCache } from '../cache/recent-cache';

export interface GeoInfo {
  /** ISO 3166-1 alpha-2, or '' */
  country: string;
  city: string;
  region: string;
}

export const NO_GEO: GeoInfo = Object.freeze({ country: '', city: '', region: '' });

type AnyRecord = Record<string, unknown>;
const str = (v: unknown): string => (typeof v === 'string' ? v : '');

/**
 * A GeoIP record → GeoInfo, for both layouts in use:
 * - MaxMind GeoIP2/GeoLite2-City: `{country: {iso_code}, city: {names: {en}}, subdivisions: [{names: {en}}]}`
 * - the flat `@ip-location-db` layout: `{country_code, city, state1}`
 */
export function geoFromRecord(record: AnyRecord | null | undefined): GeoInfo {
  if (!record) return NO_GEO;
  if ('country_code' in record || 'state1' in record) {
    return { country: str(record.country_code).toUpperCase().slice(0, 2), city: str(record.city), region: str(record.state1) };
  }
  const country = (record.country ?? record.registered_country) as AnyRecord | undefined;
  const city = record.city as { names?: AnyRecord } | undefined;
  const subdivisions = record.subdivisions as Array<{ names?: AnyRecord }> | undefined;
  return {
    country: str(country?.iso_code).toUpperCase().slice(0, 2),
    city: str(city?.names?.en),
    region: str(subdivisions?.[0]?.names?.en),
  };
}

/**
 * GeoIP lookups over one or more MMDB files (e.g. separate IPv4 and IPv6
 * files, or one MaxMind file for both), tried in order. Unknown, private and
 * invalid addresses resolve to empty values, never to an error. Results are
 * cached by address (CDN traffic repeats client IPs heavily), and one GeoInfo
 * is shared by all addresses of a database record (maxmind hands out the same
 * record object while its own cache holds it): a miss allocates no new object.
 */
export class GeoIp {
  private readonly cache: RecentCache<string, GeoInfo>;
  private readonly byRecord = new WeakMap<object, GeoInfo>();
  hits = 0;
  misses = 0;

  private constructor(
    private readonly readers: Array<Reader<Response>>,
    cacheSize: number,
  ) {
    this.cache = new RecentCache(cacheSize);
  }

  static async open(paths: string[], cacheSize = 100_000): Promise<GeoIp> {
    const readers = await Promise.all(paths.map((p) => maxmind.open<Response>(p)));
    return new GeoIp(readers, cacheSize);
  }

  lookup(ip: string): GeoInfo {
    const cached = this.cache.get(ip);
    if (cached) {
      this.hits++;
      return cached;
    }
    this.misses++;
    let geo = NO_GEO;
    for (const reader of this.readers) {
      try {
        const record = reader.get(ip) as AnyRecord | null;
        if (record) {
          let shared = this.byRecord.get(record);
          if (!shared) this.byRecord.set(record, (shared = geoFromRecord(record)));
          geo = shared;
          break;
        }
      } catch {
        // Not an address this file understands (e.g. IPv6 in an IPv4-only file): try the next.
      }
    }
    this.cache.set(ip, geo);
    return geo;
  }
}
