/**
 * The search tree of an MMDB file, walked for IPv4 addresses only
 * (https://maxmind.github.io/MaxMind-DB/, "Search Tree Section").
 *
 * Why by hand: mmdb-lib parses every address with regular expressions and
 * walks the tree through a per-bit helper, which together cost more than the
 * rest of an event's enrichment when client addresses rarely repeat. Dotted
 * IPv4 is parsed here from its character codes (`parseIpv4`) and the tree is
 * read straight from the file's buffer; anything else (IPv6, odd spellings) is
 * left to mmdb-lib.
 */

/** The parts of an MMDB file's metadata the walk needs. */
export interface TreeMetadata {
  nodeCount: number;
  recordSize: number;
  ipVersion: number;
}

export class Ipv4Tree {
  private readonly nodeCount: number;
  private readonly nodeBytes: number;
  private readonly readRecord: (node: number, right: 0 | 1) => number;
  private readonly ipv4Start: number;

  constructor(
    private readonly db: Buffer,
    metadata: TreeMetadata,
  ) {
    this.nodeCount = metadata.nodeCount;
    this.nodeBytes = (metadata.recordSize * 2) / 8;
    this.readRecord = recordReader(db, metadata.recordSize, this.nodeBytes);
    // In an IPv6 tree, IPv4 addresses are ::a.b.c.d: 96 zero bits from the root.
    let node = 0;
    for (let i = 0; metadata.ipVersion === 6 && i < 96 && node < this.nodeCount; i++) node = this.readRecord(node, 0);
    this.ipv4Start = node;
  }

  /**
   * The offset of the record of an IPv4 address (`parseIpv4`) in the file's
   * data section (equal offsets: the same record), or null when the file has
   * no record for it.
   */
  find(address: number): number | null {
    let node = this.ipv4Start;
    for (let bit = 31; bit >= 0 && node < this.nodeCount; bit--) node = this.readRecord(node, ((address >>> bit) & 1) as 0 | 1);
    // nodeCount itself means "no data"; past it, a pointer into the data section.
    return node > this.nodeCount ? node - this.nodeCount - 16 : null;
  }
}

function recordReader(db: Buffer, recordSize: number, nodeBytes: number): (node: number, right: 0 | 1) => number {
  switch (recordSize) {
    case 24:
      return (node, right) => db.readUIntBE(node * nodeBytes + right * 3, 3);
    case 28:
      return (node, right) => {
        const base = node * nodeBytes;
        // The middle byte holds the high nibble of the left record and of the right one.
        const middle = db[base + 3]!;
        return right ? ((middle & 0x0f) * 0x1000000 + db.readUIntBE(base + 4, 3)) : ((middle >>> 4) * 0x1000000 + db.readUIntBE(base, 3));
      };
    case 32:
      return (node, right) => db.readUInt32BE(node * nodeBytes + right * 4);
    default:
      throw new Error(`MMDB record size ${recordSize} is not one of 24, 28, 32`);
  }
}

/** `a.b.c.d` with each part 0–255 written without leading zeros → its 32-bit value; anything else → undefined. */
export function parseIpv4(ip: string): number | undefined {
  if (ip.length < 7 || ip.length > 15) return undefined;
  let value = 0;
  let part = 0;
  let digits = 0;
  let parts = 0;
  for (let i = 0; i <= ip.length; i++) {
    const c = i < ip.length ? ip.charCodeAt(i) : 46; // a final '.' closes the last part
    if (c === 46) {
      if (digits === 0 || parts === 4) return undefined;
      value = value * 256 + part;
      parts++;
      part = 0;
      digits = 0;
    } else if (c >= 48 && c <= 57) {
      if (digits > 0 && part === 0) return undefined; // a leading zero
      part = part * 10 + (c - 48);
      if (++digits > 3 || part > 255) return undefined;
    } else return undefined;
  }
  return parts === 4 ? value : undefined;
}
