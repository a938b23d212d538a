// `systemctl cat` rendering: fragment, drop-ins in application order, masked units, units without files.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { UnitFileIndex } from '../../src/unit-file/load';
import { renderCat, renderCatMany, noFilesMessage } from '../../src/cli/cat';

test('cat: fragment then drop-ins, each headed by "# PATH", separated by a blank line', () => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'tsysd-cat-'));
  try {
    fs.writeFileSync(`${d}/a.service`, '[Service]\nExecStart=/bin/true\n');
    fs.mkdirSync(`${d}/a.service.d`);
    fs.writeFileSync(`${d}/a.service.d/20-b.conf`, '[Unit]\nDescription=b\n');
    fs.writeFileSync(`${d}/a.service.d/10-a.conf`, '[Unit]\nDescription=a'); // no trailing newline: copied verbatim
    fs.symlinkSync('/dev/null', `${d}/m.service`);
    fs.mkdirSync(`${d}/only.service.d`);
    fs.writeFileSync(`${d}/only.service.d/x.conf`, '[Unit]\nDescription=x\n');
    const ix = new UnitFileIndex([d]);
    const real = (p: string): string => fs.realpathSync(p);
    assert.equal(renderCat(ix.load('a.service')),
      `# ${d}/a.service\n[Service]\nExecStart=/bin/true\n\n# ${real(`${d}/a.service.d`)}/10-a.conf\n[Unit]\nDescription=a\n# ${real(`${d}/a.service.d`)}/20-b.conf\n[Unit]\nDescription=b\n`);
    assert.equal(renderCat(ix.load('m.service')), '# Unit m.service is masked.\n');
    assert.equal(renderCat(ix.load('only.service')), '', 'a unit without a fragment is not-found: nothing to show');
    const many = renderCatMany([ix.load('m.service'), ix.load('nope.service'), ix.load('m.service')]);
    assert.equal(many.text, '# Unit m.service is masked.\n\n# Unit m.service is masked.\n');
    assert.deepEqual(many.missing, ['nope.service']);
    assert.equal(noFilesMessage('nope.service'), 'No files found for nope.service.');
  } finally { fs.rmSync(d, { recursive: true, force: true }); }
});
