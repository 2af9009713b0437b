/**
 * The lint rule STYLE.md asks for: no synchronous GPU reads in src/ (they stall or break on
 * WebGPU). Checked through ESLint itself with the project's config, so the rule cannot quietly go.
 */
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const eslint = new ESLint();

async function ruleIds(code: string, filePath: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return result.messages.map((m) => m.ruleId ?? m.message);
}

describe('no synchronous reads in src/', () => {
  it.each([
    ['t.dataSync()', 'no-restricted-properties'],
    ['t.arraySync()', 'no-restricted-properties'],
    ['t.bufferSync()', 'no-restricted-properties'],
    ['void tf.browser.draw(t, canvas)', 'no-restricted-syntax'],
  ])('%s is refused', async (call, rule) => {
    const code = `declare const t: any; declare const tf: any; declare const canvas: any;\n${call};\nexport {};\n`;
    expect(await ruleIds(code, 'src/core/sampling/example.ts')).toContain(rule);
  });

  it('await t.data() passes, and tests may read synchronously', async () => {
    const head = 'declare const t: { data(): Promise<unknown>; dataSync(): unknown };\n';
    expect(await ruleIds(`${head}await t.data();\nexport {};\n`, 'src/core/sampling/example.ts')).toEqual([]);
    expect(await ruleIds(`${head}t.dataSync();\nexport {};\n`, 'tests/example.test.ts')).toEqual([]);
  });
});
