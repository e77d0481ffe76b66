import { readFile } from 'node:fs/promises';
import { Reader, type Response } from 'maxmind';
import { RecentCache } from '../cache/recent-cache';
import { Ipv4Tree, parseIpv4 } from './ipv4-tree';

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

/** One MMDB file: mmdb-lib for records, the hand-walked tree for IPv4 addresses. */
interface GeoFile {
  reader: Reader<Response>;
  tree: Ipv4Tree;
}

/**
 * GeoIP lookups over one or more MMDB files (e.g. separate IPv4 and IPv6
 * files, or one MaxMind file for both), tried in order. Unknown, private and
 * invalid addresses resolve to empty values, never to an error.
 *
 * Results are cached by database record, not by address: many addresses share
 * a record (a whole network, often a whole country's unlocated ranges), so a
 * bounded cache of records serves most lookups even when client addresses
 * never repeat, and decoding a record (all its fields, through mmdb-lib) is
 * the expensive part. IPv4 addresses find their record in the hand-walked
 * tree (`ipv4-tree.ts`). Other addresses (IPv6) go through mmdb-lib, which
 * gives no record identity, so their results are cached by address.
 */
export class GeoIp {
  private readonly byRecord: RecentCache<number, GeoInfo>;
  private readonly byAddress: RecentCache<string, GeoInfo>;
  hits = 0;
  misses = 0;

  private constructor(
    private readonly files: GeoFile[],
    cacheSize: number,
  ) {
    this.byRecord = new RecentCache(cacheSize);
    this.byAddress = new RecentCache(cacheSize);
  }

  static async open(paths: string[], cacheSize = 100_000): Promise<GeoIp> {
    const files = await Promise.all(
      paths.map(async (path) => {
        const db = await readFile(path);
        const reader = new Reader<Response>(db);
        return { reader, tree: new Ipv4Tree(db, reader.metadata) };
      }),
    );
    return new GeoIp(files, cacheSize);
  }

  lookup(ip: string): GeoInfo {
    const address = parseIpv4(ip);
    if (address === undefined) return this.lookupOther(ip);
    for (let i = 0; i < this.files.length; i++) {
      const { reader, tree } = this.files[i]!;
      const record = tree.find(address);
      if (record === null) continue;
      // Files differ in their offsets: the key carries the file's index.
      const key = record * this.files.length + i;
      const cached = this.byRecord.get(key);
      if (cached) {
        this.hits++;
        return cached;
      }
      this.misses++;
      const geo = geoFromRecord(reader.get(ip) as AnyRecord | null);
      this.byRecord.set(key, geo);
      return geo;
    }
    return NO_GEO;
  }

  /** Not dotted IPv4: each file in turn, through mmdb-lib, cached by address. */
  private lookupOther(ip: string): GeoInfo {
    const cached = this.byAddress.get(ip);
    if (cached) {
      this.hits++;
      return cached;
    }
    this.misses++;
    let geo = NO_GEO;
    for (const { reader } of this.files) {
      try {
        const record = reader.get(ip) as AnyRecord | null;
        if (record) {
          geo = geoFromRecord(record);
          break;
        }
      } catch {
        // Not an address this file understands (e.g. IPv6 in an IPv4-only file): try the next.
      }
    }
    this.byAddress.set(ip, geo);
    return geo;
  }
}
