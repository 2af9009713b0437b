/** One-line usage of each command, shown by `biggan --help` and on a usage error. */
export const USAGE = {
  convert:
    'biggan convert <checkpoint|hf:owner/repo[@revision]> [--config config.json] [--out dir] [--dtype float32|float16] [--class-names names.json] [--hub url]',
  info: 'biggan info <checkpoint|model.json|model folder> [--config config.json]',
  sample: `biggan sample [--model model.json|checkpoint] [--config config.json]
  [--class 207 | "golden retriever" | 207:0.7,933:0.3] [--truncation 0.4] [--truncation-mode scaled|threshold]
  [--seed 0] [--batch 1] [--out sample.png] [--grid]
  [--z z.npy --class-vector c.npy] [--out-npy out.npy] [--from sample.png] [--backend wasm|cpu]
  [--direction dirs.json:3=+2.0 (repeatable; a number or a name)]`,
  interpolate: `biggan interpolate --from a.png --to b.png [--steps 16] [--what z|class|both]
  [--out anim.gif|strip.png|walk.npy] [--delay 80] [--model model.json]`,
  directions:
    'biggan directions [--model model.json|checkpoint] [--slots all|0-2|3] [--top 10] [--out directions.json] [--backend wasm|cpu]',
} as const;
