/** Which model a command uses: --model, the model a PNG's record names, or the default. */
import { basename, dirname } from 'node:path';
import { ModelFormatError } from '../core/errors';
import type { SampleRecord } from '../core/export/sample_record';
import type { LoadedModel } from '../core/model/load_generator';
import { DEFAULT_MODEL_ID, DEFAULT_MODEL_PATH } from './default_model';
import { isModelJson, loadModelFromPath, modelJsonPath } from './model_files';

export interface ModelRef extends LoadedModel {
  /** A catalog id, a converted folder's name, or a checkpoint's file name. */
  id: string;
}

export function modelIdOf(path: string): string {
  return isModelJson(path) ? basename(dirname(modelJsonPath(path))) : basename(path);
}

export async function openModel(
  path: string | undefined,
  configPath?: string,
  record?: SampleRecord,
): Promise<ModelRef> {
  let chosen = path;
  if (!chosen && record && record.model.id !== DEFAULT_MODEL_ID) {
    throw new ModelFormatError(
      `This sample was made with model '${record.model.id}' (weights sha256 ${record.model.hash.slice(0, 12)}...); ` +
        'give that model with --model.',
    );
  }
  chosen ??= DEFAULT_MODEL_PATH;
  const loaded = await loadModelFromPath(chosen, configPath);
  return { ...loaded, id: path ? modelIdOf(chosen) : DEFAULT_MODEL_ID };
}
