import { spawnSync } from 'node:child_process';
import path from 'node:path';

const ROOT = path.join(__dirname, '..', '..');
const ESLINT = path.join(ROOT, 'node_modules', 'eslint', 'bin', 'eslint.js');

/** Runs the project's ESLint (its own config) on files or a text given a path in the project. */
function lint(args: string[], stdin?: string): { code: number | null; out: string } {
  const r = spawnSync(process.execPath, [ESLINT, '--no-ignore', ...args], {
    cwd: ROOT,
    input: stdin,
    encoding: 'utf8',
  });
  return { code: r.status, out: r.stdout + r.stderr };
}

// `npm run lint` keeps the dependency rule of docs/architecture.md: these show it fails when
// the rule is broken, so a passing lint on main means something.
describe('the dependency rule, kept by npm run lint', () => {
  test('an import cycle fails the lint', () => {
    const r = lint(['test/lint/fixtures/cycle/ask.ts', 'test/lint/fixtures/cycle/answer.ts']);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/ask\.ts\s+2:1\s+error\s+Dependency cycle detected/);
    expect(r.out).toMatch(/answer\.ts\s+2:1\s+error\s+Dependency cycle detected/);
  });

  test('a lower layer importing a higher one fails the lint, naming both layers', () => {
    // the domain reaching up into the flow engine
    const r = lint(
      ['--stdin', '--stdin-filename', 'src/domain/reaching-up.ts'],
      "import { FlowEngine } from '../flows/engine';\nexport const engine = FlowEngine;\n",
    );
    expect(r.code).toBe(1);
    expect(r.out).toContain('domain is below flows in the layers');
  });

  test('settings are read only by the entry points', () => {
    const r = lint(
      ['--stdin', '--stdin-filename', 'src/flows/reads-settings.ts'],
      "import { loadConfig } from '../config';\nexport const read = loadConfig;\n",
    );
    expect(r.code).toBe(1);
    expect(r.out).toContain('settings are read in main.ts and the CLIs');
  });

  test('the one allowed exception (campaigns use the button codec of flows) and a downward import pass', () => {
    const ok = lint(
      ['--stdin', '--stdin-filename', 'src/campaigns/uses-codec.ts'],
      "import { pollData } from '../flows/callbacks';\nimport { LANGUAGES } from '../domain/language';\nexport const x = [pollData, LANGUAGES];\n",
    );
    expect(ok.out).toBe('');
    expect(ok.code).toBe(0);
    const engine = lint(
      ['--stdin', '--stdin-filename', 'src/campaigns/uses-engine.ts'],
      "import { FlowEngine } from '../flows/engine';\nexport const x = FlowEngine;\n",
    );
    expect(engine.code).toBe(1);
  });
});
