import * as tf from '@tensorflow/tfjs';
import { isJsonObject, joinWeightData, jsonEqual, weightBytes } from './artifacts';
import { checkMetadata, METADATA_KEY } from './metadata';
import { errorCode, errorText, type NodeIo } from './nodeIo';

/** tfjs's model file: topology, weights manifest, training config, user-defined metadata. */
export const MODEL_FILE = 'model.json';
/** The weights, as the little-endian binary tfjs writes. */
export const WEIGHTS_FILE = 'weights.bin';
/** seq-echo's metadata, also kept in model.json's `userDefinedMetadata.seqEcho`. */
export const METADATA_FILE = 'seq-echo.json';

const SAVED = `a directory saved by saveEchoModel, holding ${MODEL_FILE}, ${WEIGHTS_FILE} and ${METADATA_FILE}`;
const MODEL_JSON = "tfjs's model.json format: an object with modelTopology and weightsManifest";

/** Runs a file system call, turning its failure into an `Error` naming `fn` and `file`. */
async function attempt<T>(
  fn: string,
  file: string,
  run: () => Promise<T>,
  missing?: string,
): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (missing !== undefined && errorCode(error) === 'ENOENT') {
      throw new Error(`${fn}: ${file} does not exist; expected ${missing}`, { cause: error });
    }
    throw new Error(`${fn}: could not access ${file}: ${errorText(error)}`, { cause: error });
  }
}

/** Reads and parses a JSON file; throws an `Error` when it is missing or not JSON. */
async function readJson(fn: string, io: NodeIo, file: string, expected: string): Promise<unknown> {
  const text = await attempt(fn, file, () => io.fs.readFile(file, 'utf8'), expected);
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new Error(
      `${fn}: ${file} is not valid JSON (${errorText(error)}); expected ${expected}`,
      {
        cause: error,
      },
    );
  }
}

/** Writes the three files through temporary names, renaming model.json into place last. */
async function saveDirectory(
  fn: string,
  directory: string,
  io: NodeIo,
  artifacts: tf.io.ModelArtifacts,
): Promise<tf.io.SaveResult> {
  const { fs, path } = io;
  const metadata = artifacts.userDefinedMetadata?.[METADATA_KEY];
  if (metadata === undefined) {
    throw new Error(`${fn}: internal error: the artifacts carry no seq-echo metadata`);
  }
  const existing = await fs.stat(directory).catch((error: unknown) => {
    if (errorCode(error) === 'ENOENT') return undefined;
    throw new Error(`${fn}: could not access ${directory}: ${errorText(error)}`, { cause: error });
  });
  if (existing !== undefined && !existing.isDirectory()) {
    throw new Error(
      `${fn}: destination ${directory} must be a directory (or a path where one can be made), but it is a file`,
    );
  }
  await attempt(fn, directory, () => fs.mkdir(directory, { recursive: true }));
  const modelJson: tf.io.ModelJSON = {
    modelTopology: artifacts.modelTopology ?? {},
    format: artifacts.format ?? 'layers-model',
    generatedBy: artifacts.generatedBy ?? 'seq-echo',
    convertedBy: artifacts.convertedBy ?? null,
    weightsManifest: [{ paths: [WEIGHTS_FILE], weights: artifacts.weightSpecs ?? [] }],
    ...(artifacts.trainingConfig ? { trainingConfig: artifacts.trainingConfig } : {}),
    userDefinedMetadata: artifacts.userDefinedMetadata ?? {},
  };
  const weights = artifacts.weightData ? joinWeightData(artifacts.weightData) : new ArrayBuffer(0);
  const files: [string, Uint8Array | string][] = [
    [WEIGHTS_FILE, new Uint8Array(weights)],
    [METADATA_FILE, `${JSON.stringify(metadata, null, 2)}\n`],
    [MODEL_FILE, JSON.stringify(modelJson)],
  ];
  const tag = `.${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}.tmp`;
  const temporary = (name: string) => path.join(directory, name + tag);
  try {
    for (const [name, content] of files) {
      await attempt(fn, path.join(directory, name), () => fs.writeFile(temporary(name), content));
    }
    for (const [name] of files) {
      const file = path.join(directory, name);
      await attempt(fn, file, () => fs.rename(temporary(name), file));
    }
  } catch (error) {
    await Promise.all(files.map(([name]) => fs.rm(temporary(name), { force: true })));
    throw error;
  }
  return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
}

/** The group list of a parsed model.json's weightsManifest, or `undefined` if malformed. */
function manifestGroups(value: unknown): { paths: string[]; weights: unknown[] }[] | undefined {
  if (!Array.isArray(value)) return undefined;
  const groups = value as unknown[];
  const valid = groups.every(
    (group) =>
      isJsonObject(group) &&
      Array.isArray(group.paths) &&
      (group.paths as unknown[]).every((p) => typeof p === 'string') &&
      Array.isArray(group.weights),
  );
  return valid ? (groups as { paths: string[]; weights: unknown[] }[]) : undefined;
}

/** Reads a saved directory (or its model.json) back into checked-size model artifacts. */
async function loadDirectory(
  fn: string,
  location: string,
  io: NodeIo,
): Promise<tf.io.ModelArtifacts> {
  const { fs, path } = io;
  const stats = await attempt(fn, location, () => fs.stat(location), SAVED);
  let directory = location;
  let modelFile = path.join(location, MODEL_FILE);
  if (stats.isFile() && location.toLowerCase().endsWith('.json')) {
    directory = path.dirname(location);
    modelFile = location;
  } else if (!stats.isDirectory()) {
    throw new Error(
      `${fn}: ${location} is not a directory; expected ${SAVED} (or the path of its ${MODEL_FILE})`,
    );
  }
  const modelJson = await readJson(fn, io, modelFile, MODEL_JSON);
  if (!isJsonObject(modelJson) || !isJsonObject(modelJson.modelTopology)) {
    throw new Error(`${fn}: ${modelFile} has no modelTopology object; expected ${MODEL_JSON}`);
  }
  const groups = manifestGroups(modelJson.weightsManifest);
  if (groups === undefined) {
    throw new Error(
      `${fn}: ${modelFile} has no valid weightsManifest (a list of { paths, weights }); expected ${MODEL_JSON}`,
    );
  }

  const metadataFile = path.join(directory, METADATA_FILE);
  const stored = await readJson(fn, io, metadataFile, `the seq-echo metadata of ${SAVED}`);
  checkMetadata(fn, metadataFile, stored);
  const userDefined = isJsonObject(modelJson.userDefinedMetadata)
    ? modelJson.userDefinedMetadata
    : {};
  const copy = userDefined[METADATA_KEY];
  if (copy !== undefined && !jsonEqual(copy, stored)) {
    throw new Error(
      `${fn}: ${metadataFile} and the copy in ${modelFile} (userDefinedMetadata.${METADATA_KEY}) disagree; expected the files of one saveEchoModel call`,
    );
  }

  const specs = groups.flatMap((group) => group.weights);
  const expectedBytes = weightBytes(specs);
  if (typeof expectedBytes === 'string') {
    throw new Error(`${fn}: ${modelFile} has a malformed weightsManifest: ${expectedBytes}`);
  }
  const weightFiles = groups.flatMap((group) =>
    group.paths.map((relative) => {
      const file = path.resolve(directory, relative);
      const inside = path.relative(directory, file);
      if (inside === '' || inside.startsWith('..') || path.isAbsolute(inside)) {
        throw new Error(
          `${fn}: ${modelFile}'s weightsManifest must list weight files inside ${directory}, but lists ${JSON.stringify(relative)}`,
        );
      }
      return file;
    }),
  );
  const shards = await Promise.all(
    weightFiles.map((file) =>
      attempt(fn, file, () => fs.readFile(file), `a weights file (${modelFile} lists it)`),
    ),
  );
  const actualBytes = shards.reduce((sum, shard) => sum + shard.byteLength, 0);
  if (actualBytes !== expectedBytes) {
    throw new Error(
      `${fn}: ${weightFiles.join(', ')} must hold ${expectedBytes} bytes (the ${specs.length} weights ${modelFile}'s weightsManifest lists), but ${weightFiles.length === 1 ? 'it holds' : 'they hold'} ${actualBytes} bytes`,
    );
  }
  const weightData = new Uint8Array(actualBytes);
  let offset = 0;
  for (const shard of shards) {
    weightData.set(shard, offset);
    offset += shard.byteLength;
  }

  const artifacts: tf.io.ModelArtifacts = {
    modelTopology: modelJson.modelTopology,
    weightSpecs: specs as tf.io.WeightsManifestEntry[],
    weightData: weightData.buffer,
    userDefinedMetadata: {
      ...userDefined,
      [METADATA_KEY]: stored,
    } as NonNullable<tf.io.ModelArtifacts['userDefinedMetadata']>,
  };
  if (typeof modelJson.format === 'string') artifacts.format = modelJson.format;
  if (typeof modelJson.generatedBy === 'string') artifacts.generatedBy = modelJson.generatedBy;
  if (isJsonObject(modelJson.trainingConfig)) {
    artifacts.trainingConfig = modelJson.trainingConfig as unknown as tf.io.TrainingConfig;
  }
  return artifacts;
}

/**
 * A tfjs IO handler for a directory in Node: `save` writes model.json (topology, weights
 * manifest, training config, user-defined metadata), weights.bin and seq-echo.json; `load`
 * reads them back, checking each file, the weight data's size and the seq-echo metadata, and
 * throws an `Error` naming `fn` and the file otherwise. `directory` is absolute; for `load`
 * it may also be the path of a model.json.
 */
export function directoryHandler(fn: string, directory: string, io: NodeIo): tf.io.IOHandler {
  return {
    save: (artifacts) => saveDirectory(fn, directory, io, artifacts),
    load: () => loadDirectory(fn, directory, io),
  };
}
