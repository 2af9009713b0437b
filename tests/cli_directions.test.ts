/**
 * `biggan directions` and `biggan sample --direction` as a user runs them, on the bundled default
 * model and the BigGAN-deep fixture: an edit changes the picture, amount 0 does not, `--from`
 * gives back the edited pixels exactly (edits not applied twice), records of variation and
 * crossbreed children come back pixel for pixel, and bad direction arguments fail cleanly.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { decode } from 'fast-png';
import { beforeAll, describe, expect, it } from 'vitest';
import { latentSlots } from '../src/core/config/architecture';
import { parseDirectionsFile } from '../src/core/edit/direction_file';
import { blendClasses, crossLatents } from '../src/core/edit/crossbreed';
import { parentRef } from '../src/core/edit/edit_record';
import { varyLatents } from '../src/core/edit/variation';
import { encodePng } from '../src/core/export/png';
import { readSampleRecord } from '../src/core/export/png_metadata';
import { PNG_TEXT_KEY, serializeSampleRecord, type SampleRecord } from '../src/core/export/sample_record';
import { readNpy, writeNpy } from '../src/core/io/npy';
import { readModelJson } from '../src/cli/model_files';
import { biggan } from './helpers/cli';
import { fixturePath } from './helpers/fixtures';

const DEFAULT_MODEL = resolve(__dirname, '../public/models/fashion-mnist-biggan-32');

const tmp = mkdtempSync(join(tmpdir(), 'biggan-dirs-'));
const pixels = (file: string) => decode(readFileSync(file)).data;
const record = (file: string) => readSampleRecord(new Uint8Array(readFileSync(file)));

async function ok(...args: string[]): Promise<string> {
  const r = await biggan(...args);
  expect(r.code, r.stderr).toBe(0);
  return r.stdout;
}

describe('biggan directions and sample --direction on the default model', () => {
  const dirs = join(tmp, 'dirs.json');
  beforeAll(async () => {
    const out = await ok('directions', '--slots', '0-2', '--top', '4', '--out', dirs);
    expect(out).toMatch(/wrote .*dirs\.json: 4 directions for slots 0-2, \d+ ms/);
  });

  it('writes unit, orthogonal directions for the range', () => {
    const file = parseDirectionsFile(readFileSync(dirs, 'utf8'));
    expect(file.directions.map((d) => [d.slots, d.index])).toEqual([0, 1, 2, 3].map((i) => [[0, 1, 2], i]));
    const [a, b] = file.directions.map((d) => d.vector);
    expect(a.reduce((s, x) => s + x * x, 0)).toBeCloseTo(1, 5);
    expect(a.reduce((s, x, i) => s + x * b[i], 0)).toBeCloseTo(0, 5);
  });

  it('an edit changes the picture, amount 0 does not, and --from gives the edited pixels back exactly', async () => {
    const plain = join(tmp, 'plain.png');
    const edited = join(tmp, 'edited.png');
    const zero = join(tmp, 'zero.png');
    const again = join(tmp, 'again.png');
    await ok('sample', '--seed', '3', '--class', '7', '--out', plain);
    await ok(
      'sample',
      '--seed',
      '3',
      '--class',
      '7',
      '--direction',
      `${dirs}:1=+2.5`,
      '--direction',
      `${dirs}:0=-1`,
      '--out',
      edited,
    );
    await ok('sample', '--seed', '3', '--class', '7', '--direction', `${dirs}:1=0`, '--out', zero);
    expect(pixels(edited)).not.toEqual(pixels(plain));
    expect(pixels(zero)).toEqual(pixels(plain));
    const rec = record(edited);
    expect(rec.edits?.map((e) => [e.slots, e.index, e.amount])).toEqual([
      [[0, 1, 2], 1, 2.5],
      [[0, 1, 2], 0, -1],
    ]);
    expect(rec.z).toEqual(record(plain).z); // z is the drawn latent; the edits ride beside it
    await ok('sample', '--from', edited, '--out', again);
    expect(pixels(again)).toEqual(pixels(edited));
    expect(record(again).edits).toEqual(rec.edits);
    // A direction named in the page's export is picked by its name.
    const named = join(tmp, 'named.json');
    const file = JSON.parse(readFileSync(dirs, 'utf8'));
    file.directions[1].name = 'print';
    writeFileSync(named, JSON.stringify(file));
    const byName = join(tmp, 'by-name.png');
    const byIndex = join(tmp, 'by-index.png');
    await ok('sample', '--seed', '3', '--class', '7', '--direction', `${named}:print=+2.5`, '--out', byName);
    await ok('sample', '--seed', '3', '--class', '7', '--direction', `${dirs}:1=+2.5`, '--out', byIndex);
    expect(pixels(byName)).toEqual(pixels(byIndex));
    expect(record(byName).edits?.[0].name).toBe('print');
  });

  it('refuses bad direction arguments with a clear message', async () => {
    const cases: [string, RegExp][] = [
      [`${dirs}:1`, /file\.json:N=amount/],
      [`${dirs}:1=+4`, /within -3 to \+3/],
      [`${dirs}:9=1`, /no direction '9'.*0 to 3/],
      [`${join(tmp, 'none.json')}:0=1`, /no such file|ENOENT/],
    ];
    for (const [spec, message] of cases) {
      const r = await biggan('sample', '--direction', spec, '--out', join(tmp, 'x.png'));
      expect(r.code, spec).toBe(1);
      expect(r.stderr, spec).toMatch(message);
    }
    const foreign = join(tmp, 'foreign.json');
    const file = JSON.parse(readFileSync(dirs, 'utf8'));
    writeFileSync(foreign, JSON.stringify({ ...file, model: { ...file.model, family: 'biggan-deep' } }));
    const r = await biggan('sample', '--direction', `${foreign}:0=1`, '--out', join(tmp, 'x.png'));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/for a biggan-deep model, not biggan/);
    const bad = await biggan('directions', '--slots', '0-99', '--out', join(tmp, 'y.json'));
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/not within this model's slots 0 to \d+/);
  });

  it('--from reproduces variation and crossbreed children exactly', async () => {
    const json = await readModelJson(DEFAULT_MODEL);
    const arch = json.modelTopology.architecture;
    const pa = join(tmp, 'parent-a.png');
    const pb = join(tmp, 'parent-b.png');
    await ok('sample', '--seed', '21', '--class', '2', '--out', pa);
    await ok('sample', '--seed', '22', '--class', '5', '--out', pb);
    const [ra, rb] = [record(pa), record(pb)];
    const drawn = (r: SampleRecord) => ({ batch: 1, z: Float32Array.from(r.z), slotZ: [] });
    const varied = varyLatents(arch, drawn(ra), { seed: 77, strength: 0.6 });
    const pick = 'ab'.repeat(latentSlots(arch).length).slice(0, latentSlots(arch).length);
    const crossed = crossLatents(arch, drawn(ra), drawn(rb), pick);
    const children: [string, SampleRecord, Float32Array][] = [
      [
        'variation',
        { ...ra, z: Array.from(varied.z), variation: { seed: 77, strength: 0.6, parent: parentRef(ra) } },
        varied.z,
      ],
      [
        'crossbreed',
        {
          ...ra,
          z: Array.from(crossed.z),
          classes: blendClasses(ra.classes, rb.classes, 0.5),
          crossbreed: { parents: [parentRef(ra), parentRef(rb)], pick, classMix: 0.5 },
        },
        crossed.z,
      ],
    ];
    for (const [name, rec, z] of children) {
      const given = join(tmp, `${name}-record.png`);
      writeFileSync(
        given,
        encodePng({ width: 1, height: 1, data: new Uint8Array(3) }, { [PNG_TEXT_KEY]: serializeSampleRecord(rec) }),
      );
      const out = join(tmp, `${name}.png`);
      await ok('sample', '--from', given, '--out', out);
      // The same latent given exactly, through --z: the same pixels.
      const zFile = join(tmp, `${name}-z.npy`);
      const cFile = join(tmp, `${name}-c.npy`);
      const c = new Float32Array(arch.numClasses);
      const total = rec.classes.reduce((t, k) => t + k.weight, 0);
      for (const k of rec.classes) c[k.index] += k.weight / total;
      writeFileSync(zFile, writeNpy({ shape: [1, z.length], data: z }));
      writeFileSync(cFile, writeNpy({ shape: [1, c.length], data: c }));
      const raw = join(tmp, `${name}.npy`);
      await ok(
        'sample',
        '--z',
        zFile,
        '--class-vector',
        cFile,
        '--truncation',
        String(rec.truncation),
        '--out-npy',
        raw,
      );
      const floats = readNpy(new Uint8Array(readFileSync(raw))).data as Float32Array;
      const want = Uint8Array.from(floats, (x) => Math.min(255, Math.max(0, Math.round((x + 1) * 127.5))));
      expect(pixels(out), name).toEqual(want);
      const back = record(out);
      expect(back.z).toEqual(rec.z);
      expect(back.variation ?? back.crossbreed).toEqual(rec.variation ?? rec.crossbreed);
      const twice = join(tmp, `${name}-twice.png`);
      await ok('sample', '--from', out, '--out', twice);
      expect(pixels(twice)).toEqual(pixels(out));
    }
  });
});

describe('biggan directions on the BigGAN-deep fixture', () => {
  it('stacks every block ("all") and edits one block range', async () => {
    const model = join(tmp, 'deep');
    await ok(
      'convert',
      fixturePath('biggan-deep', 'pytorch_model.zip.bin'),
      '--config',
      fixturePath('biggan-deep', 'config.json'),
      '--out',
      model,
    );
    const dirs = join(tmp, 'deep-dirs.json');
    await ok('directions', '--model', model, '--slots', 'all', '--top', '3', '--out', dirs);
    const file = parseDirectionsFile(readFileSync(dirs, 'utf8'));
    expect(file.model.family).toBe('biggan-deep');
    const edited = join(tmp, 'deep-edited.png');
    await ok('sample', '--model', model, '--seed', '4', '--direction', `${dirs}:0=+3`, '--out', edited);
    const again = join(tmp, 'deep-again.png');
    await ok('sample', '--model', model, '--from', edited, '--out', again);
    expect(pixels(again)).toEqual(pixels(edited));
    const plain = join(tmp, 'deep-plain.png');
    await ok('sample', '--model', model, '--seed', '4', '--out', plain);
    expect(pixels(edited)).not.toEqual(pixels(plain));
  });
});
