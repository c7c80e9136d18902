import { afterAll, describe, expect, test } from 'vitest';
import { COMMANDS, EXIT_RUNTIME, EXIT_USAGE } from '../src/index.js';
import { cleanup, run, tempFolder } from './helpers.js';

const cwd = tempFolder();
afterAll(() => cleanup(cwd));

/** One line on standard error, starting with 'liouville: '. */
function expectOneErrorLine(err: string): void {
  expect(err.endsWith('\n')).toBe(true);
  expect(err.trimEnd().split('\n')).toHaveLength(1);
  expect(err.startsWith('liouville: ')).toBe(true);
}

describe('main', () => {
  test('prints help that names every command and an example of each', async () => {
    const { code, out, err } = await run(['--help'], cwd);
    expect(code).toBe(0);
    expect(err).toBe('');
    for (const { spec } of COMMANDS) {
      expect(out).toContain(`  ${spec.name} `);
      expect(out).toContain(spec.examples[0]);
    }
  });

  test('prints the help and exits 2 when no command is given', async () => {
    const { code, out } = await run([], cwd);
    expect(code).toBe(EXIT_USAGE);
    expect(out).toContain('Usage: liouville <command>');
  });

  test.each(COMMANDS.map((c) => [c.spec.name, c.spec] as const))(
    'documents every flag of %s with an example',
    async (name, spec) => {
      const { code, out } = await run([name, '--help'], cwd);
      expect(code).toBe(0);
      expect(out).toContain(`Usage: liouville ${name}`);
      for (const flag of Object.keys(spec.flags)) expect(out).toContain(`--${flag}`);
      expect(out).toContain('Examples:');
      expect(out).toContain(`liouville ${name} `);
    },
  );

  test('rejects an unknown command with exit 2 and one line naming it', async () => {
    const { code, out, err } = await run(['reproduse'], cwd);
    expect(code).toBe(EXIT_USAGE);
    expect(out).toBe('');
    expectOneErrorLine(err);
    expect(err).toContain("unknown command 'reproduse'");
  });

  test('rejects an unknown task with the list of tasks', async () => {
    const { code, err } = await run(['reproduce', '--task', 'sprng'], cwd);
    expect(code).toBe(EXIT_USAGE);
    expect(err).toBe("liouville: unknown task 'sprng' (expected spring, pendulum, real, two-body, three-body, all)\n");
  });

  test.each([
    [
      ['train', '--task', 'spring', '--model', 'hnn', '--learning-rate', '1'],
      "unknown flag '--learning-rate' for 'train'",
    ],
    [['simulate', '--system', 'pendulum', '--method', 'leapfrog', '--q0'], "flag '--q0' needs a value"],
    [['train', '--model', 'hnn'], "'train' needs --task"],
    [
      ['train', '--task', 'spring', '--model', 'mlp'],
      "unknown model 'mlp' (expected baseline, hnn, dhnn, lnn, srnn, hnn-fd, dhnn-fd)",
    ],
    [['train', '--task', 'spring', '--model', 'hnn', '--steps', '0'], '--steps must be an integer >= 1'],
    [
      ['train', '--task', 'pendulm', '--model', 'hnn'],
      "unknown task 'pendulm' (expected spring, pendulum, real, two-body, three-body, damped-spring, double-pendulum)",
    ],
    [
      ['train', '--task', 'two-body', '--model', 'dhnn'],
      "model 'dhnn' trains on spring, pendulum, real, damped-spring, double-pendulum; got task 'two-body'",
    ],
    [['reproduce', '--seeds', 'two'], "--seeds must be an integer in [1, 100], got 'two'"],
    [['reproduce', '--task', 'three-body', '--data', 'reference'], "no reference data for task 'three-body'"],
    [['reproduce', '--data', 'downloaded'], "unknown data source 'downloaded' (expected generated, reference)"],
    [['plot', 'results'], "unexpected argument 'results' for 'plot'"],
  ])('rejects %j with exit 2: %s', async (argv, message) => {
    const { code, out, err } = await run(argv, cwd);
    expect(code).toBe(EXIT_USAGE);
    expect(out).toBe('');
    expectOneErrorLine(err);
    expect(err).toContain(message);
  });

  test('reports a missing results folder with exit 1', async () => {
    const { code, err } = await run(['plot', '--results', 'no-such-folder'], cwd);
    expect(code).toBe(EXIT_RUNTIME);
    expectOneErrorLine(err);
    expect(err).toContain('results.json');
  });

  test('prints its version', async () => {
    const { code, out } = await run(['--version'], cwd);
    expect(code).toBe(0);
    expect(out).toMatch(/^liouville \d+\.\d+\.\d+\n$/);
  });
});
