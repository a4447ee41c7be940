import { z } from 'zod';

/**
 * The `import` block: imports sent to a running Loom (`POST /api/v1/import`, `loom import --url`).
 *
 * @example
 * import: { maxUploadBytes: 4294967296 }
 */
export const importConfigSchema = z
  .object({
    maxUploadBytes: z
      .number()
      .int()
      .positive()
      .default(2 * 1024 ** 3)
      .describe('Largest file POST /api/v1/import takes (bytes; default 2 GiB); a larger one is answered 413 before it is read. loom import on the server has no limit'),
  })
  .strict();

export type ImportConfig = z.output<typeof importConfigSchema>;
