// duckdb-node.mjs - `duckdb -c SQL` through DuckDB's Node.js package, for
// bench/throughput.sh where the duckdb program is not installed (Debian
// does not package it; npm ships the library inside @duckdb/node-api):
//
//   npm install --no-save --prefix bench @duckdb/node-api
//   DUCKDB="node bench/duckdb-node.mjs" bench/throughput.sh
//
// Runs the one statement in memory; COPY ... TO '/dev/stdout' writes the
// result. The figure includes starting Node.js (about 50 ms).
import { DuckDBInstance } from '@duckdb/node-api';

if (process.argv.length !== 4 || process.argv[2] !== '-c') {
    process.stderr.write('usage: node duckdb-node.mjs -c SQL\n');
    process.exit(2);
}
const db = await DuckDBInstance.create(':memory:');
const conn = await db.connect();
await conn.run(process.argv[3]);
