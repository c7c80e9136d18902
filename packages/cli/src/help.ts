import type { CommandSpec } from './args.js';

/** Word-wraps `text` to `width` columns, indenting continuation lines by `indent` spaces. */
function wrap(text: string, width: number, indent: number): string {
  const words = text.split(/\s+/).filter((w) => w !== '');
  const lines: string[] = [];
  let line = '';
  for (const word of words) {
    if (line !== '' && line.length + 1 + word.length > width - indent) {
      lines.push(line);
      line = word;
    } else line = line === '' ? word : `${line} ${word}`;
  }
  if (line !== '') lines.push(line);
  return lines.join(`\n${' '.repeat(indent)}`);
}

/** The help text of one command: synopsis, summary, every flag with its default, details and examples. */
export function commandHelp(spec: CommandSpec, width = 100): string {
  const rows = Object.entries(spec.flags).map(([name, flag]) => {
    const left = `  --${name}${flag.type === 'string' ? ` ${flag.value ?? 'VALUE'}` : ''}`;
    const text =
      flag.defaultText === undefined ? flag.description : `${flag.description} Default: ${flag.defaultText}.`;
    return { left, text };
  });
  rows.push({ left: '  --help', text: 'Show this help and exit.' });
  const column = Math.min(34, Math.max(...rows.map((r) => r.left.length)) + 2);
  const flagLines = rows.map(({ left, text }) => {
    const pad = left.length + 1 < column ? left.padEnd(column) : `${left}\n${' '.repeat(column)}`;
    return `${pad}${wrap(text, width, column)}`;
  });
  const parts = [
    `Usage: liouville ${spec.name} ${spec.synopsis}`,
    '',
    wrap(spec.summary, width, 0),
    '',
    'Flags:',
    ...flagLines,
  ];
  for (const paragraph of spec.details ?? []) parts.push('', wrap(paragraph, width, 0));
  parts.push('', 'Examples:', ...spec.examples.map((e) => `  ${e}`));
  return `${parts.join('\n')}\n`;
}

/** The top-level help: what the program is, every command with its summary, and examples. */
export function mainHelp(commands: readonly CommandSpec[], width = 100): string {
  const column = Math.max(...commands.map((c) => c.name.length)) + 4;
  const lines = commands.map((c) => `  ${c.name.padEnd(column - 2)}${wrap(c.summary, width, column)}`);
  return [
    'Usage: liouville <command> [flags]',
    '',
    'Differentiable Hamiltonian physics from the command line: train Hamiltonian Neural Networks and',
    'their baselines, reproduce the table of Greydanus, Dzamba & Yosinski (NeurIPS 2019), simulate any',
    'catalogue system or learned model with any integrator, and draw the plots.',
    '',
    'Commands:',
    ...lines,
    '',
    "Run 'liouville <command> --help' for the flags of a command.",
    '',
    'Examples:',
    ...commands.map((c) => `  ${c.examples[0]}`),
    '',
    'Exit status: 0 success, 1 failure while running (files, data), 2 invalid command line.',
    '',
  ].join('\n');
}
