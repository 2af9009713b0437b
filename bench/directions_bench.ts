/**
 * Time to compute semantic directions (SeFa) on full-size models with random weights of the
 * released shapes, as the worker and `biggan directions` do: slot 0 alone, one block, and all
 * slots stacked, top 10. Usage: npx tsx bench/directions_bench.ts [--backend wasm|cpu] [keys files...]
 */
import { parseArgs } from 'node:util';
import { latentSlots } from '../src/core/config/architecture';
import { semanticDirections } from '../src/core/edit/sefa';
import { parseSlotRange } from '../src/core/edit/slot_range';
import { slotSize } from '../src/core/latent/latent_request';
import { artifactsFromSerialized } from '../src/core/model/in_memory_artifacts';
import { loadGenerator } from '../src/core/model/load_generator';
import { serialize } from '../src/cli/model_files';
import { useBackend } from '../src/cli/tf_node';
import { randomModel } from './random_model';
import { median } from './median';

const DEFAULT_KEYS = [
  'keys_biggan-deep-128.tsv',
  'keys_biggan-deep-256.tsv',
  'keys_biggan-deep-512.tsv',
  'keys_bp-biggan-128-ch96.tsv',
  'keys_bp-biggan-256-ch96.tsv',
  'keys_bp-biggan-512-ch96.tsv',
  'keys_tfhub-biggan-128.tsv',
  'keys_tfhub-biggan-256.tsv',
  'keys_tfhub-biggan-512.tsv',
];

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { backend: { type: 'string', default: 'wasm' } },
});
const backend = await useBackend(values.backend!);

console.log(`backend ${backend}; ms, median of 3 after one warm-up`);
for (const keys of positionals.length ? positionals : DEFAULT_KEYS) {
  const { architecture, weights } = randomModel(keys);
  const loaded = await loadGenerator(
    artifactsFromSerialized(await serialize({ architecture, weights, notes: [] }, {})),
  );
  const arch = loaded.generator.architecture;
  const row: string[] = [];
  for (const range of ['0', '1', 'all']) {
    const slots = parseSlotRange(range, arch);
    const times: number[] = [];
    for (let i = 0; i < 4; i++) {
      const set = await semanticDirections(arch, (n) => loaded.weights.get(n), slots, 10);
      if (i > 0) times.push(set.ms);
    }
    row.push(`slots ${range}: ${median(times).toFixed(1)}`);
  }
  console.log(
    `${keys.replace(/^keys_|\.tsv$/g, '')} (${latentSlots(arch).length} slots of ${slotSize(arch)}): ${row.join(', ')}`,
  );
  loaded.generator.dispose();
}
