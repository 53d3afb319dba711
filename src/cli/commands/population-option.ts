import { InvalidArgumentError, type Command } from 'commander';
import type { Population } from '../../contracts/population.ts';
import type { Rule } from '../../contracts/rule.ts';

// The population every `flywheel analyze …` command takes, as every API request does (the Population contract):
// `--segment ID` (a saved segment) or `--rule JSON` (an ad-hoc rule); neither is the whole bank.

/** The options `withPopulation` adds. */
export interface PopulationOptions {
  segment?: string;
  rule?: string;
}

/** Adds `--segment <id>` and `--rule <json>` to a command. */
export function withPopulation(command: Command): Command {
  return command
    .option('--segment <id>', 'only the members of a saved segment')
    .option(
      '--rule <json>',
      `only the members of a segment rule (JSON), e.g. '{"tag":"aum_tier","in":["gold"]}'`,
    );
}

/** A rule given as JSON text in option `--name`; the segment service checks it against the catalogue. */
export function ruleOption(name: string, text: string): Rule {
  try {
    return JSON.parse(text) as Rule;
  } catch (error) {
    throw new InvalidArgumentError(`--${name} is not JSON: ${(error as Error).message}`);
  }
}

/** --segment or --rule as a Population (undefined: the whole bank); InvalidArgumentError for both or bad JSON. */
export function populationOption(opts: PopulationOptions): Population | undefined {
  if (opts.segment !== undefined && opts.rule !== undefined)
    throw new InvalidArgumentError('give --segment or --rule, not both');
  if (opts.segment !== undefined) return { segmentId: opts.segment };
  return opts.rule === undefined ? undefined : { rule: ruleOption('rule', opts.rule) };
}
