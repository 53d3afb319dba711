import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { Config } from '../../config/schema.ts';
import { demoWecomWorld } from '../../demo/wecom-world.ts';
import { startWecomSimulator, type RunningSimulator } from '../../wecom/simulator/server.ts';
import { parseWorldFile } from '../../wecom/simulator/world-file.ts';
import type { WorldSeed } from '../../wecom/simulator/world.ts';
import { configOrExit, dayOption, positiveInt } from '../main.ts';
import { cliClock } from '../stores.ts';

// `flywheel wecom simulator`: a local stand-in for WeCom's server API (src/wecom/simulator) with the enterprise of the
// demo bank (or a --world file), the corp id, secret and callback keys of the same FLYWHEEL_WECOM_* environment as the
// server so the two agree. It prints the URL and the variables to give the server.

/** What `wecom simulator` was asked for. */
export interface SimulatorCommandOptions {
  readonly port: number;
  readonly host: string;
  readonly world?: string | undefined;
  readonly callbackUrl?: string | undefined;
  readonly asOf?: string | undefined;
}

/** Starts the simulator as the command does; the problems that stop it, said per option or variable. */
export async function runWecomSimulator(
  options: SimulatorCommandOptions,
  config: Config,
  print: (line: string) => void,
): Promise<{ ok: true; value: RunningSimulator } | { ok: false; error: string[] }> {
  const wecom = config.wecom;
  if (!wecom?.secret)
    return {
      ok: false,
      error: [
        'FLYWHEEL_WECOM_CORP_ID and FLYWHEEL_WECOM_SECRET are required: the simulator and the server share them',
      ],
    };
  let callback;
  if (options.callbackUrl !== undefined) {
    if (!/^https?:\/\/\S+$/.test(options.callbackUrl))
      return { ok: false, error: ['--callback-url: an http(s) URL'] };
    if (!wecom.callbackToken || !wecom.aesKey)
      return {
        ok: false,
        error: [
          '--callback-url needs FLYWHEEL_WECOM_CALLBACK_TOKEN and FLYWHEEL_WECOM_AES_KEY (as the server has)',
        ],
      };
    callback = { url: options.callbackUrl, token: wecom.callbackToken, encodingAESKey: wecom.aesKey };
  }
  let world: WorldSeed;
  if (options.world !== undefined) {
    let text: string;
    try {
      text = readFileSync(options.world, 'utf8');
    } catch (error) {
      return {
        ok: false,
        error: [`--world: cannot read ${options.world} (${(error as { code?: string }).code ?? 'error'})`],
      };
    }
    const parsed = parseWorldFile(text);
    if (!parsed.ok) return { ok: false, error: parsed.error.map((p) => `--world ${options.world}: ${p}`) };
    world = parsed.value;
  } else {
    // The server seeds the demo bank as of the day it first starts; --as-of names that day when it was not today.
    const asOf = options.asOf ?? cliClock(config).today();
    world = demoWecomWorld({ customers: config.demo.customers, seed: config.demo.seed, asOf });
    print(
      `Demo bank's WeCom world: ${world.friendships.length} friendships of ${world.staff.length} staff ` +
        `(FLYWHEEL_DEMO_CUSTOMERS=${config.demo.customers}, FLYWHEEL_DEMO_SEED=${config.demo.seed}, as of ${asOf})`,
    );
  }
  const sim = await startWecomSimulator({
    port: options.port,
    host: options.host,
    corpId: wecom.corpId,
    secret: wecom.secret,
    callback,
    world,
  });
  print(
    `WeCom simulator listening on ${sim.url} (control endpoints under ${sim.url}/simulator/, state: GET /simulator/state)`,
  );
  print('Start the server with the same FLYWHEEL_WECOM_* variables and:');
  print(`  FLYWHEEL_WECOM_BASE_URL=${sim.url}`);
  if (callback) print(`Callbacks are pushed to ${callback.url}`);
  return { ok: true, value: sim };
}

/** `wecom simulator`. */
export function registerWecomCommands(program: Command): void {
  const wecom = program.command('wecom').description('Enterprise WeChat (WeCom): the local simulator');
  wecom
    .command('simulator')
    .description(
      "serve a simulator of WeCom's server API seeded with the demo bank (or --world), until interrupted",
    )
    .requiredOption('--port <port>', 'port to listen on (0: any free port)', positiveInt)
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option(
      '--world <file>',
      'a JSON world (staff, customers, friendships, manualTags) instead of the demo bank',
    )
    .option('--callback-url <url>', "push encrypted callbacks to this URL (the server's WeCom callback)")
    .option('--as-of <YYYY-MM-DD>', 'the day the server seeded its demo bank (default: today)', dayOption)
    .action(
      async (opts: { port: number; host: string; world?: string; callbackUrl?: string; asOf?: string }) => {
        if (opts.port > 65_535) {
          console.error('--port: at most 65535');
          process.exit(2);
        }
        const started = await runWecomSimulator(opts, configOrExit(), (line) => console.log(line));
        if (!started.ok) {
          for (const problem of started.error) console.error(problem);
          process.exit(2);
        }
        const stop = () => void started.value.close().then(() => process.exit(0));
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      },
    );
}
