import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { contractDocuments } from './json-schema';

describe('published JSON Schema contracts', () => {
  it.each(Object.entries(contractDocuments()))('docs/contracts/%s is up to date (run `npm run contracts`)', (file, doc) => {
    const onDisk = JSON.parse(readFileSync(join(__dirname, '..', '..', '..', '..', 'docs', 'contracts', file), 'utf8'));
    expect(onDisk).toEqual(doc);
  });

  it('the enriched contract lists every field as required', () => {
    const enriched = contractDocuments()['enriched-event.v1.schema.json'] as { required: string[] };
    expect(enriched.required).toEqual([
      'v', 'eventId', 'customerId', 'timestamp', 'receivedAt', 'enrichedAt', 'batchId', 'clientIp', 'country', 'city', 'region', 'method',
      'url', 'path', 'route', 'status', 'statusClass', 'bytesSent', 'userAgent', 'uaFamily', 'deviceClass', 'isBot', 'host', 'referer',
      'cacheStatus', 'pop', 'responseTimeMs', 'requestId',
    ]);
  });
});
