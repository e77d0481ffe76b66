import { isIPv4 } from 'node:net';
import fc from 'fast-check';
import { Ipv4Tree, parseIpv4 } from './ipv4-tree';

describe('parseIpv4', () => {
  it('reads dotted IPv4 from its bounds to its middle', () => {
    expect(parseIpv4('0.0.0.0')).toBe(0);
    expect(parseIpv4('255.255.255.255')).toBe(0xffffffff);
    expect(parseIpv4('1.2.3.4')).toBe(0x01020304);
    expect(parseIpv4('192.168.100.10')).toBe(0xc0a8640a);
  });

  it.each([
    ['', 'empty'], ['1.2.3', 'three parts'], ['1.2.3.4.5', 'five parts'], ['1..2.3', 'an empty part'], ['.1.2.3', 'a leading dot'],
    ['1.2.3.4.', 'a trailing dot'], ['256.1.1.1', 'a part over 255'], ['01.2.3.4', 'a leading zero'], ['1.2.3.00', 'a double zero'],
    ['1.2.3.1000', 'four digits'], [' 1.2.3.4', 'a space'], ['1.2.3.4\n', 'a newline'], ['١.٢.٣.٤', 'Arabic-Indic digits'],
    ['１.２.３.４', 'fullwidth digits'], ['::ffff:1.2.3.4', 'IPv4-mapped IPv6'], ['2001:db8::1', 'IPv6'], ['0x1.2.3.4', 'hex'],
    ['1.2.3.-4', 'a sign'], ['4294967295', 'one number'], ['1.2.3.4\uD800', 'a lone surrogate'],
  ])('refuses %j (%s)', (ip) => {
    expect(parseIpv4(ip)).toBeUndefined();
  });

  it("accepts exactly what Node's isIPv4 accepts, and reads every address back", () => {
    const part = fc.oneof(fc.integer({ min: 0, max: 300 }).map(String), fc.constantFrom('', '0', '00', '01', '-1', 'a', '1 '));
    fc.assert(
      fc.property(fc.array(part, { minLength: 1, maxLength: 6 }), (parts) => {
        const ip = parts.join('.');
        expect(parseIpv4(ip) !== undefined).toBe(isIPv4(ip));
      }),
      { numRuns: 5000 },
    );
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffffff }), (n) => {
        expect(parseIpv4([n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.'))).toBe(n);
      }),
      { numRuns: 5000 },
    );
  });
});

/**
 * A two-node IPv4 tree in each record size: addresses starting with bit 1 →
 * data offset 5; with bits 01 → data offset 9; with 00 → no data. The node
 * count is above 2^24 so the 28-bit layout needs its high nibbles.
 */
function twoNodeTree(recordSize: 24 | 28 | 32): Ipv4Tree {
  const nodeCount = recordSize === 24 ? 2 : 0x0a000002;
  const nodes: Array<[number, number]> = [[1, nodeCount + 16 + 5], [nodeCount, nodeCount + 16 + 9]];
  const nodeBytes = (recordSize * 2) / 8;
  const db = Buffer.alloc(nodes.length * nodeBytes);
  nodes.forEach(([left, right], i) => {
    const base = i * nodeBytes;
    if (recordSize === 24) {
      db.writeUIntBE(left, base, 3);
      db.writeUIntBE(right, base + 3, 3);
    } else if (recordSize === 32) {
      db.writeUInt32BE(left, base);
      db.writeUInt32BE(right, base + 4);
    } else {
      db.writeUIntBE(left & 0xffffff, base, 3);
      db[base + 3] = ((left >>> 24) << 4) | (right >>> 24);
      db.writeUIntBE(right & 0xffffff, base + 4, 3);
    }
  });
  return new Ipv4Tree(db, { nodeCount, recordSize, ipVersion: 4 });
}

describe('Ipv4Tree', () => {
  it.each([24, 28, 32] as const)('walks %i-bit records to the data offset, or to none', (size) => {
    const tree = twoNodeTree(size);
    expect(tree.find(parseIpv4('128.0.0.1')!)).toBe(5);
    expect(tree.find(parseIpv4('255.255.255.255')!)).toBe(5);
    expect(tree.find(parseIpv4('64.0.0.0')!)).toBe(9);
    expect(tree.find(parseIpv4('127.255.255.255')!)).toBe(9);
    expect(tree.find(parseIpv4('0.0.0.0')!)).toBeNull();
    expect(tree.find(parseIpv4('63.255.255.255')!)).toBeNull();
  });

  it('refuses a record size the format does not have', () => {
    expect(() => new Ipv4Tree(Buffer.alloc(10), { nodeCount: 1, recordSize: 20, ipVersion: 4 })).toThrow(
      'MMDB record size 20 is not one of 24, 28, 32',
    );
  });
});
