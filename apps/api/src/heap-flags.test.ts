import { describe, expect, it } from 'vitest';
import { DEFAULT_HEAP_MB, heapFlags } from '../scripts/heap-flags.mjs';

describe('the heap limit npm start runs the API with', () => {
  it('bounds the old generation by default, as SHOPWARDEN_HEAP_MB says, or not at all with 0', () => {
    expect(heapFlags({}, [])).toEqual([`--max-old-space-size=${DEFAULT_HEAP_MB}`]);
    expect(heapFlags({ SHOPWARDEN_HEAP_MB: '768' }, [])).toEqual(['--max-old-space-size=768']);
    expect(heapFlags({ SHOPWARDEN_HEAP_MB: '0' }, [])).toEqual([]);
    expect(() => heapFlags({ SHOPWARDEN_HEAP_MB: '1g' }, [])).toThrow(/whole number of MB/);
  });

  it('leaves the heap alone when NODE_OPTIONS or the command line sizes it', () => {
    expect(heapFlags({ NODE_OPTIONS: '--enable-source-maps --max-old-space-size=2048' }, [])).toEqual([]);
    expect(heapFlags({ NODE_OPTIONS: '--max_old_space_size=2048' }, [])).toEqual([]);
    expect(heapFlags({}, ['--max-old-space-size=300'])).toEqual([]);
    expect(heapFlags({ NODE_OPTIONS: '--max-semi-space-size=16' }, [])).toEqual([
      `--max-old-space-size=${DEFAULT_HEAP_MB}`,
    ]);
  });
});
