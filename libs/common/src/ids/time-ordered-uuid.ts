import { randomFillSync } from 'node:crypto';

// Two bytes seed the counter, eight fill the random tail; drawn in bulk, one call per 256 ids.
const BYTES_PER_ID = 10;
const pool = Buffer.alloc(256 * BYTES_PER_ID);
let poolOffset = pool.length;

const HEX = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, '0'));
const MAX_COUNTER = 0xfff;

let lastMs = -1;
let counter = 0;

function nextRandomOffset(): number {
  if (poolOffset === pool.length) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  const offset = poolOffset;
  poolOffset += BYTES_PER_ID;
  return offset;
}

/**
 * A UUID version 7 (RFC 9562): 48 bits of Unix milliseconds, a 12-bit counter that keeps the ids
 * of this process in strict order within a millisecond (the RFC's method 1, seeded at random each
 * millisecond), then 62 random bits. Rows keyed by these ids go in at the end of their primary-key
 * index rather than at a random leaf, which makes high-volume appends (audit entries, runs)
 * cheaper; the random bits keep them unguessable. They reveal their creation time, which their
 * rows carry in the open anyway.
 */
export function timeOrderedUuid(now: number = Date.now()): string {
  const r = nextRandomOffset();
  if (now > lastMs) {
    lastMs = now;
    // Seeded in the lower half, so the rest of the millisecond has room to count up.
    counter = ((pool[r] << 8) | pool[r + 1]) & 0x7ff;
  } else if (counter < MAX_COUNTER) {
    counter += 1;
  } else {
    // 4096 ids in one millisecond, or a clock that went back: borrow the next millisecond.
    lastMs += 1;
    counter = 0;
  }
  const high = Math.floor(lastMs / 0x10000); // the top 32 of the 48 time bits
  const low = lastMs % 0x10000;
  return (
    `${HEX[(high >>> 24) & 0xff]}${HEX[(high >>> 16) & 0xff]}${HEX[(high >>> 8) & 0xff]}${HEX[high & 0xff]}-` +
    `${HEX[low >>> 8]}${HEX[low & 0xff]}-` +
    `${HEX[0x70 | (counter >>> 8)]}${HEX[counter & 0xff]}-` +
    `${HEX[0x80 | (pool[r + 2] & 0x3f)]}${HEX[pool[r + 3]]}-` +
    `${HEX[pool[r + 4]]}${HEX[pool[r + 5]]}${HEX[pool[r + 6]]}${HEX[pool[r + 7]]}${HEX[pool[r + 8]]}${HEX[pool[r + 9]]}`
  );
}
