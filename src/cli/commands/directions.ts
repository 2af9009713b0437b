/** `biggan directions`: closed-form semantic directions (SeFa) of a model's latent slots, to JSON. */
import { parseArgs } from 'node:util';
import {
  DIRECTIONS_FORMAT,
  DIRECTIONS_VERSION,
  directionsFromSet,
  type DirectionsFile,
} from '../../core/edit/direction_file';
import { semanticDirections } from '../../core/edit/sefa';
import { formatSlotRange, parseSlotRange } from '../../core/edit/slot_range';
import { SettingsError } from '../../core/errors';
import { openModel } from '../model_ref';
import { writeOutput } from '../sample_output';
import { useBackend } from '../tf_node';
import { optionalNumber } from './sample';

export async function directionsCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      model: { type: 'string' },
      config: { type: 'string' },
      slots: { type: 'string', default: 'all' },
      top: { type: 'string', default: '10' },
      out: { type: 'string', default: 'directions.json' },
      backend: { type: 'string', default: 'wasm' },
    },
  });
  const top = optionalNumber(values.top, 'top')!;
  if (!Number.isInteger(top) || top < 1)
    throw new SettingsError(`--top must be a whole number >= 1; got ${values.top}.`);
  await useBackend(values.backend!);
  const model = await openModel(values.model, values.config);
  try {
    const arch = model.generator.architecture;
    const slots = parseSlotRange(values.slots!, arch);
    const set = await semanticDirections(arch, (name) => model.weights.get(name), slots, top);
    const file: DirectionsFile = {
      format: DIRECTIONS_FORMAT,
      version: DIRECTIONS_VERSION,
      model: { id: model.id, hash: model.topology.contentHash, family: arch.family },
      directions: directionsFromSet(set),
    };
    await writeOutput(values.out!, new TextEncoder().encode(JSON.stringify(file, null, 1)));
    const range = formatSlotRange(slots, arch);
    console.log(`wrote ${values.out}: ${set.vectors.length} directions for slots ${range}, ${set.ms.toFixed(0)} ms`);
    return 0;
  } finally {
    model.generator.dispose();
  }
}
