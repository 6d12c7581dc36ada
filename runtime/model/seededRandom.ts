// One seeded PRNG for everything that must replay exactly: the trainer's shuffles (same seed, same
// model) and the tests that generate input from a seed (a failure replays from the seed it printed).
// Pure and dependency-free, so tests and benchmarks can import it without loading TensorFlow.

/** mulberry32: a tiny seeded PRNG returning numbers in [0, 1); the same seed gives the same sequence. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
