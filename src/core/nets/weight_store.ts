/** Named weight tensors of one generator, with errors that name what is missing. */
import type { NamedTensorMap, Tensor } from '@tensorflow/tfjs-core';
import { ModelFormatError } from '../errors';

export class WeightStore {
  constructor(private readonly tensors: NamedTensorMap) {}

  get<T extends Tensor = Tensor>(name: string): T {
    const t = this.tensors[name];
    if (!t) throw new ModelFormatError(`The model has no weight '${name}'; it was converted for another architecture.`);
    return t as T;
  }

  dispose(): void {
    for (const t of Object.values(this.tensors)) t.dispose();
  }
}
