#!/usr/bin/env node
// Writes the outputs codegen.yml describes, through @graphql-codegen/core, loading the schema and
// documents the way the graphql-codegen CLI does for local .graphql files (sorted, schema SDL
// taken as valid). The CLI itself is not used: its remote loaders, prompts and task runner pull
// in dependencies that want Node 22+, for features this project has no use for. Only the keys
// below are understood; anything else in codegen.yml stops the run rather than being ignored.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { codegen } from '@graphql-codegen/core';
import { getCachedDocumentNodeFromSchema, normalizeConfig } from '@graphql-codegen/plugin-helpers';
import { GraphQLFileLoader } from '@graphql-tools/graphql-file-loader';
import { loadDocuments, loadSchema } from '@graphql-tools/load';
import { parse as parseYaml } from 'yaml';
import { BootstrapError, log, root } from './lib/bootstrap.mjs';

const ROOT_KEYS = new Set(['overwrite', 'schema', 'documents', 'config', 'generates']);
const OUTPUT_KEYS = new Set(['plugins', 'config', 'documents', 'preset', 'presetConfig']);
// Presets by the name codegen.yml gives them, as the CLI resolves them.
const PRESETS = { client: '@graphql-codegen/client-preset' };

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
  // As the CLI does: an output's documents are added to the top level's.
  const loadFor = (output) =>
    loadDocuments([...asArray(config.documents), ...asArray(output.documents)], {
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
    const plugins = normalizeConfig(output.plugins ?? []);
    const pluginMap = {};
    for (const plugin of plugins) {
      const name = Object.keys(plugin)[0];
      pluginMap[name] = await import(`@graphql-codegen/${name}`);
    }
    const base = {
      filename,
      plugins,
      pluginMap,
      schema: getCachedDocumentNodeFromSchema(schemaAst),
      schemaAst,
      documents: await loadFor(output),
      // The CLI's defaults for these two: CommonJS-style imports without extensions.
      config: { ...config.config, ...output.config, importExtension: '', emitLegacyCommonJSImports: true },
      importExtension: '',
      emitLegacyCommonJSImports: true,
      pluginContext: {},
      documentTransforms: [],
    };
    let files = [base];
    if (output.preset !== undefined) {
      const module = PRESETS[output.preset];
      if (!module)
        throw new BootstrapError(
          `codegen.yml: generates.${filename} names preset ${output.preset}, unknown to scripts/codegen.mjs.`,
        );
      const { preset } = await import(module);
      files = await preset.buildGeneratesSection({
        ...base,
        baseOutputDir: filename,
        presetConfig: output.presetConfig ?? {},
      });
    } else if (output.presetConfig !== undefined) {
      throw new BootstrapError(`codegen.yml: generates.${filename} has presetConfig without a preset.`);
    }
    for (const file of files) {
      const content = await codegen({ ...base, ...file });
      mkdirSync(path.dirname(path.join(root, file.filename)), { recursive: true });
      writeFileSync(path.join(root, file.filename), content);
      if (!process.argv.includes('--silent')) log('codegen', `wrote ${file.filename}`);
    }
  }
}

try {
  await main();
} catch (err) {
  log('codegen', err instanceof BootstrapError ? err.message : (err.stack ?? String(err)));
  process.exit(1);
}
