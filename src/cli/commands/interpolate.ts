/** `biggan interpolate --from a.png --to b.png --steps 16 --out anim.gif|strip.png|walk.npy` */
import { parseArgs } from 'node:util';
import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { SettingsError } from '../../core/errors';
import { encodeGif } from '../../core/export/gif';
import { readSampleRecord } from '../../core/export/png_metadata';
import { encodePng, tileImages } from '../../core/export/png';
import { checkRecordFits } from '../../core/export/sample_record';
import { writeNpy } from '../../core/io/npy';
import type { InterpolationTarget } from '../../core/latent/interpolate';
import { endpointFromRecord, interpolationInputs } from '../../core/sampling/interpolation';
import { generateFromInputs } from '../../core/sampling/sample';
import { openModel } from '../model_ref';
import { ProgressBar } from '../progress_bar';
import { toRgbImages, writeOutput } from '../sample_output';
import { useBackend } from '../tf_node';
import { optionalNumber } from './sample';

const TARGETS: InterpolationTarget[] = ['z', 'class', 'both'];

export async function interpolateCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      from: { type: 'string' },
      to: { type: 'string' },
      steps: { type: 'string', default: '16' },
      what: { type: 'string', default: 'both' },
      out: { type: 'string', default: 'interpolation.gif' },
      delay: { type: 'string', default: '80' },
      model: { type: 'string' },
      config: { type: 'string' },
      backend: { type: 'string', default: 'wasm' },
    },
  });
  if (!values.from || !values.to)
    throw new SettingsError('Give both ends: --from a.png --to b.png (PNGs exported by BigGAN Explorer).');
  const what = values.what as InterpolationTarget;
  if (!TARGETS.includes(what))
    throw new SettingsError(`--what must be one of ${TARGETS.join(', ')}; got '${values.what}'.`);
  const out = values.out!;
  const kind = extname(out).toLowerCase();
  if (!['.gif', '.png', '.npy'].includes(kind))
    throw new SettingsError(`--out must end in .gif, .png (a strip) or .npy; got '${out}'.`);
  const a = readSampleRecord(new Uint8Array(readFileSync(values.from)));
  const b = readSampleRecord(new Uint8Array(readFileSync(values.to)));
  if (a.model.hash !== b.model.hash) {
    throw new SettingsError(
      `The two samples come from different models ('${a.model.id}' and '${b.model.id}'); interpolate within one model.`,
    );
  }
  await useBackend(values.backend!);
  const model = await openModel(values.model, values.config, a);
  try {
    const arch = model.generator.architecture;
    checkRecordFits(a, arch);
    checkRecordFits(b, arch);
    const steps = optionalNumber(values.steps, 'steps')!;
    const inputs = interpolationInputs(arch, endpointFromRecord(a), endpointFromRecord(b), steps, what);
    const bar = new ProgressBar('interpolate');
    bar.update(0, steps, 'generating');
    const images = generateFromInputs(model.generator, inputs);
    if (kind === '.npy') {
      await writeOutput(out, writeNpy({ shape: images.shape, data: (await images.data()) as Float32Array }));
    } else {
      const frames = await toRgbImages(images);
      const bytes =
        kind === '.gif'
          ? encodeGif(frames, optionalNumber(values.delay, 'delay')!, (d, t) => bar.update(d, t, 'encoding'))
          : encodePng(tileImages(frames, frames.length, 0));
      await writeOutput(out, bytes);
    }
    images.dispose();
    bar.done(`wrote ${out}: ${steps} frames of ${arch.resolution}x${arch.resolution}`);
    return 0;
  } finally {
    model.generator.dispose();
  }
}
