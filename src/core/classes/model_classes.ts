/** The class list of a model: its own names if model.json carries them, else ImageNet's 1000. */
import type { ModelTopology } from '../model/model_format';
import { IMAGENET_CLASSES } from './imagenet_classes';

export interface ModelClass {
  /** names[0] is the display name; the rest are synonyms that search also matches. */
  names: string[];
  wnid?: string;
}

/** The display name of class i, or "class i" where the model names none. */
export function className(list: readonly ModelClass[], i: number): string {
  return list[i]?.names[0] ?? `class ${i}`;
}

export function classesForModel(topology: Pick<ModelTopology, 'classNames' | 'architecture'>): readonly ModelClass[] {
  if (topology.classNames) return topology.classNames.map((n) => ({ names: [n] }));
  const n = topology.architecture.numClasses;
  if (n === IMAGENET_CLASSES.length) return IMAGENET_CLASSES;
  return Array.from({ length: n }, (_, i) => ({ names: [`class ${i}`] }));
}
