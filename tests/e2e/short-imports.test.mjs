// The build's import renaming (src/js/short-imports.mjs) on the modules `make build` made:
// every wasm-bindgen import gets a short name, the module still validates, and the glue
// offers each renamed import under its new name; every export the glue reads but `memory`
// gets a short name, and the glue reads it under that name. A glue that does not name an
// import fails.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './harness.mjs';
import { shortenImports } from '../../src/js/short-imports.mjs';

const glueDir = join(ROOT, 'target/wasm-bindgen');

for (const name of ['reshelf_capture', 'reshelf_engine']) {
  test(`${name}: imports renamed in the module and its glue alike`, () => {
    const wasm = readFileSync(join(glueDir, `${name}.opt.wasm`));
    const glue = readFileSync(join(glueDir, `${name}.js`), 'utf8');
    const before = WebAssembly.Module.imports(new WebAssembly.Module(wasm));
    const out = shortenImports(wasm, glue);
    assert.ok(WebAssembly.validate(out.wasm));
    const after = WebAssembly.Module.imports(new WebAssembly.Module(out.wasm));
    assert.equal(after.length, before.length);
    assert.ok(out.renamed > 0);
    assert.ok(out.wasm.length < wasm.length);
    after.forEach((imp, i) => {
      assert.equal(imp.module, before[i].module);
      assert.equal(imp.kind, before[i].kind);
      if (/^__wb(g|indgen)_/.test(before[i].name)) {
        assert.match(imp.name, /^[a-zA-Z]{1,3}$/);
        assert.match(out.glue, new RegExp(`\\b${imp.name}: function`));
      } else {
        assert.equal(imp.name, before[i].name);
      }
    });
    assert.doesNotMatch(out.glue, /\b__wbg_[A-Za-z0-9_]+_[0-9a-f]{16}\s*:/);

    const exportsBefore = WebAssembly.Module.exports(new WebAssembly.Module(wasm));
    const exportsAfter = WebAssembly.Module.exports(new WebAssembly.Module(out.wasm));
    assert.equal(exportsAfter.length, exportsBefore.length);
    assert.ok(out.renamedExports > 0);
    exportsAfter.forEach((exp, i) => {
      const { name, kind } = exportsBefore[i];
      assert.equal(exp.kind, kind);
      if (name === 'memory' || !glue.includes(`wasm.${name}`)) {
        assert.equal(exp.name, name);
      } else {
        assert.match(exp.name, /^[a-zA-Z]{1,3}$/);
        assert.ok(out.glue.includes(`wasm.${exp.name}`), `the glue reads ${name} as wasm.${exp.name}`);
        assert.ok(!new RegExp(`\\bwasm\\.${name.replace(/\$/g, '\\$')}\\b`).test(out.glue), `no read of ${name} is left`);
      }
    });
    assert.ok(exportsAfter.some((e) => e.name === 'memory'));
  });
}

test('a glue that lacks a renamed import fails the build', () => {
  const wasm = readFileSync(join(glueDir, 'reshelf_capture.opt.wasm'));
  const glue = readFileSync(join(glueDir, 'reshelf_capture.js'), 'utf8');
  const first = WebAssembly.Module.imports(new WebAssembly.Module(wasm)).find((i) => i.name.startsWith('__wbg_')).name;
  assert.throws(() => shortenImports(wasm, glue.replace(`${first}:`, 'renamed_away:')), /is a key of the glue 0 times/);
  assert.throws(() => shortenImports(Buffer.from('not wasm at all'), glue), /not a wasm module/);
});
