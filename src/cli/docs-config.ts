import { writeFileSync } from 'node:fs';
import { configReferenceMarkdown } from '../model/config-reference.js';

// `npm run docs:config`: regenerates docs/configuration.md from the config schema.
writeFileSync(new URL('../../docs/configuration.md', import.meta.url), configReferenceMarkdown());
process.stdout.write('docs/configuration.md written\n');
