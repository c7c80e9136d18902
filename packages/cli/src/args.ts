import { parseArgs } from 'node:util';
import { UsageError } from './errors.js';

/** One flag of a command: `--name <value>` (string) or `--name` (boolean). */
export interface FlagSpec {
  readonly type: 'string' | 'boolean';
  /** What the value is, for the help text: e.g. 'N', 'DIR', 'spring|pendulum'. */
  readonly value?: string;
  /** One or two sentences for the help text. */
  readonly description: string;
  /** The default, as shown in the help text. */
  readonly defaultText?: string;
}

/** A command's name, its one-line summary and its flags, from which both parsing and help are made. */
export interface CommandSpec {
  readonly name: string;
  readonly summary: string;
  /** The synopsis after `liouville <name>`. */
  readonly synopsis: string;
  /** Paragraphs printed after the flags. */
  readonly details?: readonly string[];
  readonly flags: Readonly<Record<string, FlagSpec>>;
  readonly examples: readonly string[];
}

/** Parsed flags: a string or boolean per flag given, undefined otherwise. */
export type FlagValues = Readonly<Record<string, string | boolean | undefined>>;

// A token that is a value although it starts with '-': a negative number or a list starting with one.
const NEGATIVE_VALUE = /^-(\d|\.\d|Infinity)/;

/**
 * Lets `--q0 -0.5` mean `--q0=-0.5`: node's parseArgs refuses a value that starts with a dash,
 * but initial conditions and other numbers are often negative.
 */
function joinNegativeValues(spec: CommandSpec, argv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i];
    const name = token.startsWith('--') && !token.includes('=') ? token.slice(2) : undefined;
    const next = argv[i + 1];
    if (name !== undefined && spec.flags[name]?.type === 'string' && next !== undefined && NEGATIVE_VALUE.test(next)) {
      out.push(`${token}=${next}`);
      i++;
    } else out.push(token);
  }
  return out;
}

/** Rewrites node's parseArgs messages as one line naming the command. */
function usageMessage(spec: CommandSpec, error: { code?: string; message: string }): string {
  const help = `see 'liouville ${spec.name} --help'`;
  const unknown = /Unknown option '([^']+)'/.exec(error.message);
  if (unknown) return `unknown flag '${unknown[1]}' for '${spec.name}' (${help})`;
  const missing = /Option '(--[\w-]+)/.exec(error.message);
  if (error.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' && missing) {
    const flag = missing[1];
    const kind = spec.flags[flag.slice(2)]?.type;
    if (kind === 'boolean') return `flag '${flag}' takes no value (${help})`;
    return `flag '${flag}' needs a value (${help})`;
  }
  if (error.code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') {
    const word = /argument '([^']*)'/.exec(error.message)?.[1] ?? '';
    return `unexpected argument '${word}' for '${spec.name}' (${help})`;
  }
  return `${error.message.split('\n')[0]} (${help})`;
}

/** Parses a command's arguments strictly: unknown flags, missing values and stray words are usage errors. */
export function parseFlags(spec: CommandSpec, argv: readonly string[]): FlagValues {
  const options: Record<string, { type: 'string' | 'boolean' }> = { help: { type: 'boolean' } };
  for (const [name, flag] of Object.entries(spec.flags)) options[name] = { type: flag.type };
  try {
    const { values, tokens } = parseArgs({
      args: joinNegativeValues(spec, argv),
      options,
      strict: true,
      allowPositionals: false,
      tokens: true,
    });
    rejectRepeatedFlags(spec, tokens);
    for (const [name, value] of Object.entries(values)) {
      // No flag means anything when empty: `--out ''` would otherwise name the working folder.
      if (value === '')
        throw new UsageError(`flag '--${name}' needs a value, got an empty one (see 'liouville ${spec.name} --help')`);
    }
    return values as FlagValues;
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(usageMessage(spec, error as { code?: string; message: string }));
  }
}

/** A flag given twice is an error (which one was meant is a guess), not a silent last-one-wins. */
function rejectRepeatedFlags(spec: CommandSpec, tokens: readonly { kind: string; name?: string }[]): void {
  const seen = new Set<string>();
  for (const token of tokens) {
    if (token.kind !== 'option' || token.name === undefined) continue;
    if (seen.has(token.name)) {
      throw new UsageError(
        `flag '--${token.name}' is given more than once; give it once (see 'liouville ${spec.name} --help')`,
      );
    }
    seen.add(token.name);
  }
}

/** The string value of a flag, or undefined when absent. */
export function stringFlag(values: FlagValues, name: string): string | undefined {
  const value = values[name];
  return typeof value === 'string' ? value : undefined;
}

/** A required string flag. */
export function requiredFlag(spec: CommandSpec, values: FlagValues, name: string): string {
  const value = stringFlag(values, name);
  if (value === undefined || value === '') {
    throw new UsageError(`'${spec.name}' needs --${name} (see 'liouville ${spec.name} --help')`);
  }
  return value;
}

/** An integer flag within [min, max], or `fallback` when absent. */
export function integerFlag(
  values: FlagValues,
  name: string,
  fallback: number,
  min = 0,
  max = Number.MAX_SAFE_INTEGER,
) {
  const text = stringFlag(values, name);
  if (text === undefined) return fallback;
  const value = /^[+-]?\d+$/.test(text.trim()) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `an integer >= ${min}` : `an integer in [${min}, ${max}]`;
    throw new UsageError(`--${name} must be ${range}, got '${text}'`);
  }
  return value;
}

/** A finite number > 0, or `fallback` when absent. */
export function positiveFlag(values: FlagValues, name: string, fallback?: number): number | undefined {
  const text = stringFlag(values, name);
  if (text === undefined) return fallback;
  const value = parseNumber(text);
  if (!(value > 0) || !Number.isFinite(value)) throw new UsageError(`--${name} must be a number > 0, got '${text}'`);
  return value;
}

/** A finite number in [min, max], or `fallback` when absent; the message names the range. */
export function rangeFlag(values: FlagValues, name: string, fallback: number, min: number, max: number): number {
  const text = stringFlag(values, name);
  if (text === undefined) return fallback;
  const value = parseNumber(text);
  if (!(value >= min && value <= max))
    throw new UsageError(`--${name} must be a number in [${min}, ${max}], got '${text}'`);
  return value;
}

/** A comma-separated list of finite numbers, e.g. '0.5,-1'. */
export function numberListFlag(values: FlagValues, name: string): number[] | undefined {
  const text = stringFlag(values, name);
  if (text === undefined) return undefined;
  const numbers = text.split(',').map((part) => parseNumber(part));
  if (text.trim() === '' || numbers.some((x) => !Number.isFinite(x))) {
    throw new UsageError(`--${name} must be a comma-separated list of numbers, e.g. 0.5,-1; got '${text}'`);
  }
  return numbers;
}

/** One of `choices`, or `fallback` when absent; `what` names the kind of value in the message. */
export function choiceFlag<T extends string>(
  values: FlagValues,
  name: string,
  choices: readonly T[],
  fallback: T,
  what = name,
): T {
  const text = stringFlag(values, name);
  if (text === undefined) return fallback;
  if (!choices.includes(text as T)) throw new UsageError(`unknown ${what} '${text}' (expected ${choices.join(', ')})`);
  return text as T;
}

/** A decimal number; anything else (empty, text, hex) is NaN. */
function parseNumber(text: string): number {
  const trimmed = text.trim();
  return /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(trimmed) ? Number(trimmed) : Number.NaN;
}
