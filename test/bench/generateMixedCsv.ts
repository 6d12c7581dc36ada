// A seeded generator of a mixed-type CSV (8 columns: ints, floats, strings, booleans) for the data
// benchmark. The same seed gives the same bytes, so the file is cached between runs.
import { createWriteStream, existsSync, renameSync, statSync } from 'node:fs';
import { seededRandom } from '../../runtime/model/seededRandom';


export const MIXED_COLUMNS = ['user_id', 'amount', 'quantity', 'category', 'city', 'score', 'returned', 'age'];
const CATEGORIES = ['books', 'garden', 'toys', 'music', 'tools', 'shoes', 'food', 'games', 'office', 'sports', 'baby', 'beauty', 'auto', 'pets', 'phones', 'video'];
const CITIES = Array.from({ length: 300 }, (_, i) => `city_${(i * 7919) % 1000}`);

/** Write `rows` rows to `file` unless it already exists with content; returns its size in bytes. */
export async function ensureMixedCsv(file: string, rows: number, seed = 42): Promise<number> {
  if (existsSync(file) && statSync(file).size > 0) return statSync(file).size;
  const r = seededRandom(seed);
  const tmp = `${file}.partial`;
  const out = createWriteStream(tmp);
  const write = (text: string): Promise<void> => (out.write(text) ? Promise.resolve() : new Promise((done) => out.once('drain', () => done())));
  await write(`${MIXED_COLUMNS.join(',')}\n`);
  let chunk: string[] = [];
  for (let i = 0; i < rows; i++) {
    const missingAmount = r() < 0.02;
    chunk.push(
      [
        1 + Math.floor(r() * 900_000),
        missingAmount ? '' : (r() * r() * 500).toFixed(2),
        1 + Math.floor(r() * 12),
        CATEGORIES[Math.floor(r() * r() * CATEGORIES.length)],
        CITIES[Math.floor(r() * CITIES.length)],
        r().toFixed(5),
        r() < 0.07 ? 'true' : 'false',
        18 + Math.floor(r() * 70),
      ].join(','),
    );
    if (chunk.length === 10_000) {
      await write(`${chunk.join('\n')}\n`);
      chunk = [];
    }
  }
  if (chunk.length > 0) await write(`${chunk.join('\n')}\n`);
  await new Promise<void>((done, fail) => out.end((err?: Error | null) => (err ? fail(err) : done())));
  renameSync(tmp, file);
  return statSync(file).size;
}
