// Brand administration, run beside a live server:
//   npm run brand -- create <brand_id> [--name "Acme"] [--country IN]
//                                    prints the new credentials as JSON (shown once); --country is
//                                    the default for phone numbers written without a country code
//   npm run brand -- list                                prints the brands, without secrets
// The server notices the changed brands file within a second; no restart needed.
// Exit codes: 0 done, 2 bad input (named on stderr), 1 anything else.
import { join, resolve } from 'node:path';
import { ConfigError, loadConfig } from '../../src/lib/shared/config';
import { isSupportedCountry } from 'libphonenumber-js';
import { BrandRegistryError, BrandsFileError, createBrandRegistry } from '../brands/registry';

const USAGE =
  'usage: npm run brand -- create <brand_id> [--name "Brand name"] [--country XX] | npm run brand -- list';

class UsageError extends Error {}

type Command = { command: 'create'; brandId: string; name?: string; country?: string } | { command: 'list' };

function parseCommand(args: readonly string[]): Command {
  const [command, ...rest] = args;
  if (command === 'list') {
    if (rest.length > 0) throw new UsageError(`list takes no arguments, got "${rest.join(' ')}"`);
    return { command: 'list' };
  }
  if (command === 'create') {
    let brandId: string | undefined;
    let name: string | undefined;
    let country: string | undefined;
    for (let i = 0; i < rest.length; i++) {
      const arg = rest[i]!;
      if (arg === '--name') {
        name = rest[++i];
        if (name === undefined || name.trim() === '') throw new UsageError('--name needs a value');
      } else if (arg.startsWith('--name=')) name = arg.slice('--name='.length);
      else if (arg === '--country' || arg.startsWith('--country=')) {
        country = (arg === '--country' ? rest[++i] : arg.slice('--country='.length))?.toUpperCase();
        if (!country || !isSupportedCountry(country))
          throw new UsageError(`--country needs a two-letter ISO 3166 country code, got "${country ?? ''}"`);
      } else if (arg.startsWith('-')) throw new UsageError(`unknown option "${arg}"`);
      else if (brandId === undefined) brandId = arg;
      else throw new UsageError(`unexpected argument "${arg}"`);
    }
    if (brandId === undefined) throw new UsageError('create needs a brand id');
    return {
      command: 'create',
      brandId,
      ...(name !== undefined && { name }),
      ...(country !== undefined && { country }),
    };
  }
  throw new UsageError(command === undefined ? 'no command given' : `unknown command "${command}"`);
}

async function main(): Promise<number> {
  let command: Command;
  let dataDir: string;
  try {
    command = parseCommand(process.argv.slice(2));
    dataDir = loadConfig(process.env, []).DATA_DIR;
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`brand: ${error.message}\n${USAGE}\n`);
      return 2;
    }
    if (error instanceof ConfigError) {
      process.stderr.write(`brand: ${error.message}\n`);
      return 2;
    }
    throw error;
  }

  const registry = await createBrandRegistry({ file: join(resolve(dataDir), 'brands.json') });
  if (command.command === 'list') {
    const brands = registry.list().map(({ brand_id, name, created_at }) => ({ brand_id, name, created_at }));
    process.stdout.write(JSON.stringify(brands, null, 2) + '\n');
    return 0;
  }
  try {
    const credentials = await registry.create(
      command.brandId,
      command.name,
      command.country ? { default_country: command.country } : undefined,
    );
    process.stdout.write(JSON.stringify(credentials, null, 2) + '\n');
    return 0;
  } catch (error) {
    if (error instanceof BrandRegistryError) {
      process.stderr.write(`brand: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    const message =
      error instanceof BrandsFileError || !(error instanceof Error) ? String(error) : error.stack;
    process.stderr.write(`brand: ${message}\n`);
    process.exit(1);
  },
);
