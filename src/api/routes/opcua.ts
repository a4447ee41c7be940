import type { FastifyInstance } from 'fastify';
import type { ApiDeps } from '../deps.js';
import { ApiError } from '../errors.js';
import { buildAssetTree, isValidSegment, type AssetNode } from '../../model/index.js';
// Types only: node-opcua loads when an OPC UA connector is configured, never because of the API.
import type { Connector } from '../../connectors/types.js';
import type { OpcUaControl } from '../../connectors/opcua/control.js';
import type { OpcUaMappingInput } from '../../connectors/opcua/config.js';

const idParams = { type: 'object', required: ['id'], properties: { id: { type: 'string' } } } as const;

/**
 * OPC UA engineering: browse a server's address space, map variables to UNS tags at run time (and
 * into the config file), and trust refused server certificates.
 */
export async function opcuaRoutes(app: FastifyInstance, deps: ApiDeps): Promise<void> {
  const connectors = () => deps.connectorInstances?.() ?? [];
  // Loaded on first use: control.ts has no node-opcua import, config-file.ts only the yaml package.
  const controlOf = async (connector: Connector) => (await import('../../connectors/opcua/control.js')).opcuaControlOf(connector);
  const find = async (id: string): Promise<{ connector: Connector; control: OpcUaControl }> => {
    const connector = connectors().find((c) => c.id === id && c.kind === 'opcua');
    if (!connector) throw new ApiError('LOOM_UNKNOWN_CONNECTOR', `no OPC UA connector has id '${id}' (there are: ${opcuaIds().join(', ') || 'none'})`);
    const control = await controlOf(connector);
    if (!control) throw new ApiError('LOOM_CONNECTOR_UNAVAILABLE', `OPC UA connector '${id}' is still starting: try again in a moment`);
    return { connector, control };
  };
  const opcuaIds = () => connectors().filter((c) => c.kind === 'opcua').map((c) => c.id);
  const savable = (id: string) => deps.configFile !== undefined && (deps.configuredOpcUa ?? []).includes(id);

  app.get('/api/v1/connectors/opcua', { schema: { tags: ['connectors'], summary: 'OPC UA connectors: endpoint, state, refused certificates, whether mappings can be saved to the config file' } }, async () => ({
    configFile: deps.configFile ?? null,
    items: await Promise.all(
      connectors()
        .filter((c) => c.kind === 'opcua')
        .map(async (connector) => {
          const control = await controlOf(connector);
          const health = connector.health();
          return {
            id: connector.id,
            endpoint: control?.endpoint ?? null,
            state: health.state,
            lastError: health.lastError ?? null,
            rejectedCertificates: control ? (await control.rejectedCertificates()).length : 0,
            saveToConfig: savable(connector.id),
          };
        }),
    ),
  }));

  app.get<{ Params: { id: string }; Querystring: { node?: string } }>(
    '/api/v1/connectors/opcua/:id/browse',
    {
      schema: {
        tags: ['connectors'],
        summary: "Children of a node of the server's address space (default: the Objects folder)",
        params: idParams,
        querystring: { type: 'object', properties: { node: { type: 'string', maxLength: 4096, description: 'NodeId, e.g. ns=1;s=acme/berlin or i=85' } } },
      },
    },
    async (request) => {
      const { control } = await find(request.params.id);
      const node = request.query.node || 'ObjectsFolder';
      try {
        return { connector: control.id, endpoint: control.endpoint, node, children: await control.browse(node) };
      } catch (error) {
        const message = (error as Error).message;
        if (/cannot browse|nodeid|coerce/i.test(message)) throw new ApiError('LOOM_BAD_REQUEST', `cannot browse node '${node}': ${message}`);
        throw new ApiError('LOOM_CONNECTOR_UNAVAILABLE', `cannot browse ${control.endpoint}: ${message}`);
      }
    },
  );

  app.post<{ Params: { id: string }; Body: { mappings: OpcUaMappingInput[]; save?: boolean } }>(
    '/api/v1/connectors/opcua/:id/mappings',
    {
      schema: {
        tags: ['connectors'],
        summary: 'Map server variables to new UNS tags: data flows at once; with save (default) the mappings are added to the config file',
        params: idParams,
        body: {
          type: 'object',
          required: ['mappings'],
          properties: {
            save: { type: 'boolean', default: true, description: 'Also append them to the connector in the config file (comments kept)' },
            mappings: {
              type: 'array',
              minItems: 1,
              maxItems: 10_000,
              items: {
                type: 'object',
                required: ['nodeId', 'tag'],
                properties: {
                  nodeId: { type: 'string' },
                  tag: { type: 'string' },
                  type: { type: 'string', enum: ['number', 'boolean', 'string'] },
                  unit: { type: 'string' },
                  description: { type: 'string' },
                  writable: { type: 'boolean' },
                },
              },
            },
          },
        },
      },
    },
    async (request) => {
      const { connector, control } = await find(request.params.id);
      const { mappings } = request.body;
      const save = request.body.save ?? true;
      const assets = assetPaths(buildAssetTree(deps.plant));
      const seen = new Set<string>();
      mappings.forEach((m, i) => {
        const where = `mapping ${i + 1} (${m.nodeId} -> ${m.tag})`;
        const slash = m.tag.lastIndexOf('/');
        const asset = m.tag.slice(0, Math.max(0, slash));
        if (!assets.has(asset)) throw new ApiError('LOOM_BAD_MAPPING', `${where}: '${asset || m.tag}' is not an asset of the plant model; a tag is <asset path>/<name>`);
        if (!isValidSegment(m.tag.slice(slash + 1))) throw new ApiError('LOOM_BAD_MAPPING', `${where}: '${m.tag.slice(slash + 1)}' is not a valid tag name (lower-case letters, digits, - and _)`);
        const existing = deps.registry.get(m.tag);
        if (existing) throw new ApiError('LOOM_BAD_MAPPING', `${where}: tag '${m.tag}' exists already (fed by ${existing.source ?? 'the plant model'})`);
        if (seen.has(m.tag)) throw new ApiError('LOOM_BAD_MAPPING', `${where}: tag '${m.tag}' appears twice in the request`);
        seen.add(m.tag);
      });
      if (save) {
        if (deps.configFile === undefined) throw new ApiError('LOOM_CONFIG_NOT_WRITABLE', 'Loom was started without a config file (the built-in demo), so there is nowhere to save the mappings');
        if (!savable(connector.id)) throw new ApiError('LOOM_CONFIG_NOT_WRITABLE', `connector '${connector.id}' is not an entry of the opcua: list in ${deps.configFile} (it is created by the simulator)`);
      }
      // Validate completely (schema, duplicates) before the file changes: addMappings would refuse the same.
      const { opcuaMappingSchema } = await import('../../connectors/opcua/config.js');
      mappings.forEach((m, i) => {
        const parsed = opcuaMappingSchema.safeParse(m);
        if (!parsed.success) throw new ApiError('LOOM_BAD_MAPPING', `mapping ${i + 1}: ${parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}`);
      });
      if (save) {
        const { saveOpcUaMappings, MappingSaveError } = await import('../../connectors/opcua/config-file.js');
        try {
          saveOpcUaMappings(deps.configFile as string, connector.id, mappings);
        } catch (error) {
          if (error instanceof MappingSaveError) throw new ApiError(error.reason === 'no_entry' ? 'LOOM_CONFIG_NOT_WRITABLE' : 'LOOM_BAD_MAPPING', error.message);
          throw error;
        }
      }
      let added;
      try {
        added = await control.addMappings(mappings);
      } catch (error) {
        throw new ApiError('LOOM_BAD_MAPPING', (error as Error).message);
      }
      return { connector: connector.id, tags: added.mappings.map((m) => m.tag), monitored: added.monitored, refused: added.refused, saved: save, configFile: save ? deps.configFile : null };
    },
  );

  app.get<{ Params: { id: string } }>(
    '/api/v1/connectors/opcua/:id/certificates',
    { schema: { tags: ['connectors'], summary: 'Server certificates refused (not trusted yet) and trusted, in the data folder', params: idParams } },
    async (request) => {
      const { control } = await find(request.params.id);
      return { connector: control.id, endpoint: control.endpoint, rejected: (await control.rejectedCertificates()).map(withoutFile), trusted: (await control.trustedCertificates()).map(withoutFile) };
    },
  );

  app.post<{ Params: { id: string; thumbprint: string } }>(
    '/api/v1/connectors/opcua/:id/certificates/:thumbprint/trust',
    {
      schema: {
        tags: ['connectors'],
        summary: 'Trust a refused server certificate; the connector reconnects at once',
        params: { type: 'object', required: ['id', 'thumbprint'], properties: { id: { type: 'string' }, thumbprint: { type: 'string', maxLength: 200 } } },
      },
    },
    async (request) => {
      const { control } = await find(request.params.id);
      try {
        return { connector: control.id, trusted: withoutFile(await control.trustCertificate(request.params.thumbprint)) };
      } catch (error) {
        if (/no rejected certificate/.test((error as Error).message)) throw new ApiError('LOOM_UNKNOWN_CERTIFICATE', (error as Error).message);
        throw error;
      }
    },
  );
}

function assetPaths(root: AssetNode, into = new Set<string>()): Set<string> {
  into.add(root.path);
  for (const child of root.children) assetPaths(child, into);
  return into;
}

/** The file path in the data folder is no business of API clients. */
function withoutFile<T extends { file: string }>(certificate: T): Omit<T, 'file'> {
  const { file: _file, ...rest } = certificate;
  return rest;
}
