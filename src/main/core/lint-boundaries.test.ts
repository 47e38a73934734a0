import { describe, expect, it } from 'vitest';
import { ESLint } from 'eslint';
import path from 'node:path';
import { projectRoot } from './app/paths';

const root = projectRoot();
const eslint = new ESLint({ cwd: root });

async function importErrors(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(root, file) });
  return result.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

describe('import boundaries (eslint)', () => {
  it('core may not import electron', async () => {
    expect(
      await importErrors(
        'src/main/core/fixture.ts',
        "import { app } from 'electron';\nexport const a = app;\n",
      ),
    ).not.toHaveLength(0);
  });

  it('core may not import the Electron shell', async () => {
    expect(
      await importErrors(
        'src/main/core/fixture.ts',
        "import { bridgeIpc } from '../electron/ipc-bridge';\nexport const a = bridgeIpc;\n",
      ),
    ).not.toHaveLength(0);
  });

  it('shared may not import Node builtins, electron or main', async () => {
    expect(
      await importErrors('src/shared/fixture.ts', "import fs from 'node:fs';\nexport const a = fs;\n"),
    ).not.toHaveLength(0);
    expect(
      await importErrors('src/shared/fixture.ts', "import path from 'path';\nexport const a = path;\n"),
    ).not.toHaveLength(0);
    expect(
      await importErrors(
        'src/shared/fixture.ts',
        "import { x } from '../main/core/x';\nexport const a = x;\n",
      ),
    ).not.toHaveLength(0);
  });

  it('the renderer may import shared but not main, preload or Node', async () => {
    expect(
      await importErrors(
        'src/renderer/src/fixture.ts',
        "import { API_NAMES } from '../../shared/api';\nexport const a = API_NAMES;\n",
      ),
    ).toHaveLength(0);
    expect(
      await importErrors(
        'src/renderer/src/fixture.ts',
        "import { startBackend } from '../../main/core/app';\nexport const a = startBackend;\n",
      ),
    ).not.toHaveLength(0);
    expect(
      await importErrors('src/renderer/src/fixture.ts', "import fs from 'node:fs';\nexport const a = fs;\n"),
    ).not.toHaveLength(0);
  });

  it('the Electron shell may import electron', async () => {
    expect(
      await importErrors(
        'src/main/electron/fixture.ts',
        "import { app } from 'electron';\nexport const a = app;\n",
      ),
    ).toHaveLength(0);
  });
});
