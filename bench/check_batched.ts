/**
 * The fixture cases run as ONE batch (the parity tests run them one at a time): every image must
 * match its reference output within 1e-4, on the wasm backend (1 or 2 threads) and the cpu backend.
 * This covers the per-sample paths of the optimised generators (attention, fast Slice), the
 * sub-batch split, and the phase-split upsampling convolution (forced on for these narrow models).
 *
 *   npx tsx bench/check_batched.ts [--threads 2]
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { startWasmBackend } from '../src/cli/wasm_threads';
import { caseNames, maxAbsDiff, nchwToNhwc, readCase, readFixtureNpy, type FixtureFamily } from '../tests/helpers/fixtures';
import { loadFixtureModel } from '../tests/helpers/models';
import { inSubBatches } from '../src/core/nets/batch_chunks';
import { phaseConv } from '../src/core/nets/layer_ops';

const TOLERANCE = 1e-4;

async function checkFamily(family: FixtureFamily): Promise<number> {
  const model = await loadFixtureModel(family);
  let worst = 0;
  try {
    // BigGAN-deep's truncation picks BN stats for the whole batch: group cases by truncation.
    const groups = new Map<number, string[]>();
    for (const name of caseNames(family)) {
      const t = family === 'biggan-deep' ? (readCase(family, name).truncation ?? 1) : 1;
      groups.set(t, [...(groups.get(t) ?? []), name]);
    }
    for (const [truncation, names] of groups) {
      // Repeat the cases so the batch is at least 3 (a batch of one takes the n === 1 paths).
      const batch = [...names, ...names, ...names].slice(0, Math.max(3, names.length));
      const zs = batch.map((n) => readFixtureNpy(family, 'cases', n, 'z.npy'));
      const cs = batch.map((n) => readFixtureNpy(family, 'cases', n, 'class.npy'));
      const z = tf.tensor2d(concat(zs.map((a) => a.data)), [batch.length, zs[0].shape[1]]);
      const c = tf.tensor2d(concat(cs.map((a) => a.data)), [batch.length, cs[0].shape[1]]);
      // The whole batch at once, then in sub-batches of 2 (the path large batches take).
      const whole = model.generator.generate({ z, classVector: c, truncation });
      const out = inSubBatches({ z, classVector: c, truncation }, 2, (part) => model.generator.generate(part));
      const split = maxAbsDiff((await whole.data()) as Float32Array, (await out.data()) as Float32Array);
      console.log(`  ${family}: batch of ${batch.length} at once vs in sub-batches of 2: max abs diff ${split.toExponential(2)}`);
      worst = Math.max(worst, split);
      whole.dispose();
      const got = (await out.data()) as Float32Array;
      const per = got.length / batch.length;
      batch.forEach((name, i) => {
        const err = maxAbsDiff(got.subarray(i * per, (i + 1) * per), nchwToNhwc(readFixtureNpy(family, 'cases', name, 'out_nchw.npy')));
        worst = Math.max(worst, err);
        console.log(`  ${family} ${name} (image ${i} of ${batch.length}, truncation ${truncation}): max abs err ${err.toExponential(2)}`);
      });
      tf.dispose([z, c, out]);
    }
  } finally {
    model.generator.dispose();
  }
  return worst;
}

function concat(parts: Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((a, p) => a + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

async function main(): Promise<void> {
  const ti = process.argv.indexOf('--threads');
  const threads = ti > 0 ? Number(process.argv[ti + 1]) : 1;
  let worst = 0;
  const defaultMin = phaseConv.minChannels;
  for (const backend of ['wasm', 'cpu']) {
    if (backend === 'wasm') console.log(`wasm, ${await startWasmBackend(threads)} thread(s)`);
    else {
      await tf.setBackend('cpu');
      console.log('cpu');
    }
    // The fixture models are narrow: force the phase-split upsampling conv on (and off) too.
    for (const minChannels of [defaultMin, 1]) {
      phaseConv.minChannels = minChannels;
      console.log(`upsampling convs split into phases from ${minChannels} channels`);
      for (const family of ['biggan-deep', 'biggan'] as const) worst = Math.max(worst, await checkFamily(family));
    }
  }
  console.log(`worst ${worst.toExponential(2)} (tolerance ${TOLERANCE}): ${worst < TOLERANCE ? 'OK' : 'FAIL'}`);
  process.exit(worst < TOLERANCE ? 0 : 1);
}

await main();
