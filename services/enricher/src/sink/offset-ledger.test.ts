import { OffsetLedger } from './offset-ledger';

const at = (partition: number, offset: number, copy = 'a') => ({ topic: 'raw', partition, offset: String(offset), copy });

describe('OffsetLedger', () => {
  it('keeps the first copy of an offset read twice in one flush (a redelivery after the group re-joined)', () => {
    const ledger = new OffsetLedger();
    const items = [at(0, 5), at(0, 6), at(1, 0), at(0, 5, 'b'), at(0, 6, 'b'), at(0, 7, 'b')];
    expect(ledger.unpublished(items)).toEqual([at(0, 5), at(0, 6), at(1, 0), at(0, 7, 'b')]);
  });

  it('drops what an earlier flush of this process committed, per partition', () => {
    const ledger = new OffsetLedger();
    ledger.record([{ topic: 'raw', partition: 0, offset: '7' }]);
    expect(ledger.unpublished([at(0, 5), at(0, 6), at(0, 7), at(0, 8), at(1, 2)])).toEqual([at(0, 7), at(0, 8), at(1, 2)]);
  });

  it('never moves a partition backwards when an older flush is recorded late', () => {
    const ledger = new OffsetLedger();
    ledger.record([{ topic: 'raw', partition: 0, offset: '100' }]);
    ledger.record([{ topic: 'raw', partition: 0, offset: '40' }]);
    expect(ledger.unpublished([at(0, 60), at(0, 100)])).toEqual([at(0, 100)]);
  });

  it('forgets a revoked partition', () => {
    const ledger = new OffsetLedger();
    ledger.record([{ topic: 'raw', partition: 0, offset: '100' }]);
    ledger.forget('raw', 0);
    expect(ledger.unpublished([at(0, 60)])).toEqual([at(0, 60)]);
  });

  it('commits each partition up to its highest offset + 1, whatever the order of the items', () => {
    const ledger = new OffsetLedger();
    expect(ledger.commitOffsets([at(0, 9), at(1, 3), at(0, 4), at(0, 12), at(1, 1)])).toEqual([
      { topic: 'raw', partition: 0, offset: '13' },
      { topic: 'raw', partition: 1, offset: '4' },
    ]);
    expect(ledger.commitOffsets([{ topic: 'raw', partition: 0, offset: '9007199254740993' }])).toEqual([
      { topic: 'raw', partition: 0, offset: '9007199254740994' },
    ]);
  });
});
