/** Named weight tensors of one generator, with errors that name what is missing. */
import { keep, tidy, type NamedTensorMap, type Tensor } from '@tensorflow/tfjs-core';
import { ModelFormatError } from '../errors';

export class WeightStore {
  /** Tensors computed once from the weights (e.g. re-arranged kernels), freed with the store. */
  private readonly derivedTensors = new Map<string, Tensor[]>();

  constructor(private readonly tensors: NamedTensorMap) {}

  get<T extends Tensor = Tensor>(name: string): T {
    const t = this.tensors[name];
    if (!t) throw new ModelFormatError(`The model has no weight '${name}'; it was converted for another architecture.`);
    return t as T;
  }

  /** build() once per key, kept out of any enclosing tidy and disposed with the store. */
  derived<T extends Tensor>(key: string, build: () => T[]): T[] {
    let got = this.derivedTensors.get(key);
    if (!got) {
      got = tidy(() => build().map((t) => keep(t)));
      this.derivedTensors.set(key, got);
    }
    return got as T[];
  }

  /** Frees the derived tensors; later derived() calls build them again. */
  dropDerived(): void {
    for (const ts of this.derivedTensors.values()) for (const t of ts) t.dispose();
    this.derivedTensors.clear();
  }

  dispose(): void {
    for (const t of Object.values(this.tensors)) t.dispose();
    this.dropDerived();
  }
}
