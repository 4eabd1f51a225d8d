#!/usr/bin/env node
// Writes the outputs codegen.yml describes, through @graphql-codegen/core, loading the schema and
// documents the way the graphql-codegen CLI does for local .graphql files (sorted, schema SDL
// taken as valid). The CLI itself is not used: its remote loaders, prompts and task runner pull
// in dependencies that want Node 22+, for features this project has no use for. Only the keys
// below are understood; anything else in codegen.yml stops the run rather than being ignored.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { codegen } from '@graphql-codegen/core';
import { getCachedDocumentNodeFromSchema, normalizeConfig } from '@graphql-codegen/plugin-helpers';
import { GraphQLFileLoader } from '@graphql-tools/graphql-file-loader';
import { loadDocuments, loadSchema } from '@graphql-tools/load';
import { parse as parseYaml } from 'yaml';
import { BootstrapError, log, root } from './lib/bootstrap.mjs';

const ROOT_KEYS = new Set(['overwrite', 'schema', 'documents', 'config', 'generates']);
const OUTPUT_KEYS = new Set(['plugins', 'config']);

function checkKeys(object, allowed, where) {
  const unknown = Object.keys(object ?? {}).filter((k) => !allowed.has(k));
  if (unknown.length) {
    throw new BootstrapError(
      `codegen.yml: ${where} has ${unknown.join(', ')}, which scripts/codegen.mjs does not implement; add it there.`,
    );
  }
}

const asArray = (value) => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

async function main() {
  const file = path.join(root, 'codegen.yml');
  const config = parseYaml(readFileSync(file, 'utf8'));
  checkKeys(config, ROOT_KEYS, 'the top level');
  const loaders = [new GraphQLFileLoader()];
  const schemaAst = await loadSchema(asArray(config.schema), {
    cwd: root,
    loaders,
    assumeValidSDL: true,
    sort: true,
    convertExtensions: true,
    includeSources: true,
  });
  const outputs = Object.entries(config.generates ?? {});
  const documents = await loadDocuments(asArray(config.documents), {
    cwd: root,
    loaders,
    sort: true,
    skipGraphQLImport: true,
    // Never read an output back as an input.
    ignore: outputs.map(([filename]) => path.join(root, filename)),
  });

  for (const [filename, output] of outputs) {
    checkKeys(output, OUTPUT_KEYS, `generates.${filename}`);
    if (config.overwrite === false && existsSync(path.join(root, filename))) continue;
    const plugins = normalizeConfig(output.plugins);
    const pluginMap = {};
    for (const plugin of plugins) {
      const name = Object.keys(plugin)[0];
      pluginMap[name] = await import(`@graphql-codegen/${name}`);
    }
    const content = await codegen({
      filename,
      plugins,
      pluginMap,
      schema: getCachedDocumentNodeFromSchema(schemaAst),
      schemaAst,
      documents,
      // The CLI's defaults for these two: CommonJS-style imports without extensions.
      config: { ...config.config, ...output.config, importExtension: '', emitLegacyCommonJSImports: true },
      importExtension: '',
      emitLegacyCommonJSImports: true,
      pluginContext: {},
    });
    writeFileSync(path.join(root, filename), content);
    if (!process.argv.includes('--silent')) log('codegen', `wrote ${filename}`);
  }
}

try {
  await main();
} catch (err) {
  log('codegen', err instanceof BootstrapError ? err.message : (err.stack ?? String(err)));
  process.exit(1);
}
