// Writes every ClickHouse statement of the warehouse, with sample values, as
// JSON for check.py:  npx tsx tests/sql-compat/export-sql.ts <out.json>
import { writeFile } from 'node:fs/promises';
import { COMPAT_DATABASE, compatStatements } from './statements';

const out = process.argv[2];
if (!out) {
  console.error('usage: tsx tests/sql-compat/export-sql.ts <out.json>');
  process.exit(2);
}
const statements = await compatStatements();
await writeFile(out, JSON.stringify({ database: COMPAT_DATABASE, statements }, null, 1));
console.log(`wrote ${statements.length} statements to ${out}`);
