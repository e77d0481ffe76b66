/**
 * Regenerate docs/contracts/*.schema.json from the zod schemas:
 *   npm run contracts
 * A unit test fails when the checked-in files differ from what this writes.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { contractDocuments } from '../schemas/json-schema';

const dir = join(__dirname, '..', '..', '..', '..', 'docs', 'contracts');
mkdirSync(dir, { recursive: true });
for (const [file, doc] of Object.entries(contractDocuments())) {
  writeFileSync(join(dir, file), `${JSON.stringify(doc, null, 2)}\n`);
  process.stdout.write(`wrote docs/contracts/${file}\n`);
}
