// Browsing a server's address space and turning chosen variables into mapping config.
import { AttributeIds, BrowseDirection, DataType, NodeClass, resolveNodeId, type ClientSession, type ReferenceDescription } from 'node-opcua';
import { stringify } from 'yaml';
import type { OpcUaMappingInput } from './config.js';
import { compactMapping } from './config-file.js';
import { tagSegment, tagTypeOf } from './naming.js';

/** One child of a node, as `browseChildren` returns it. */
export interface BrowsedNode {
  nodeId: string;
  browseName: string;
  displayName: string;
  nodeClass: string;
  /** Variables only: the data type's name (Double, Int32, Boolean, String, or a server type's browse name). */
  dataType?: string;
  /** Variables only: what the session's user may do with the value. */
  access?: { read: boolean; write: boolean };
}

/**
 * The children of a node (hierarchical references, forward), following continuation points. Default
 * start: the Objects folder. Variables get their data type.
 *
 * @example await browseChildren(session) // [{ nodeId: 'ns=1;s=acme', browseName: '1:acme', nodeClass: 'Object', ... }]
 */
export async function browseChildren(session: ClientSession, nodeId = 'ObjectsFolder'): Promise<BrowsedNode[]> {
  const start = resolveNodeId(nodeId);
  let result = await session.browse({ nodeId: start, browseDirection: BrowseDirection.Forward, referenceTypeId: 'HierarchicalReferences', includeSubtypes: true, nodeClassMask: 0, resultMask: 0x3f });
  if (result.statusCode.value !== 0) throw new Error(`cannot browse ${nodeId}: ${result.statusCode.toString()}`);
  const references: ReferenceDescription[] = [...(result.references ?? [])];
  while (result.continuationPoint && result.continuationPoint.length > 0) {
    result = await session.browseNext(result.continuationPoint, false);
    references.push(...(result.references ?? []));
  }
  const nodes: BrowsedNode[] = references.map((r) => ({
    nodeId: r.nodeId.toString(),
    browseName: r.browseName.toString(),
    displayName: r.displayName.text ?? r.browseName.name ?? '',
    nodeClass: NodeClass[r.nodeClass] ?? String(r.nodeClass),
  }));
  const variables = nodes.filter((n) => n.nodeClass === 'Variable');
  if (variables.length > 0) {
    const attributes = await session.read(variables.flatMap((v) => [{ nodeId: v.nodeId, attributeId: AttributeIds.DataType }, { nodeId: v.nodeId, attributeId: AttributeIds.UserAccessLevel }]));
    const custom: Array<{ node: BrowsedNode; typeId: string }> = [];
    variables.forEach((v, i) => {
      const level = attributes[2 * i + 1].value?.value;
      // AccessLevel bits: 0 CurrentRead, 1 CurrentWrite.
      if (typeof level === 'number') v.access = { read: (level & 1) !== 0, write: (level & 2) !== 0 };
      const typeId = attributes[2 * i].value?.value;
      if (!typeId) return;
      const id = resolveNodeId(typeId);
      if (id.namespace === 0 && typeof id.value === 'number' && DataType[id.value] !== undefined) v.dataType = DataType[id.value];
      else custom.push({ node: v, typeId: id.toString() });
    });
    if (custom.length > 0) {
      const names = await session.read(custom.map((c) => ({ nodeId: c.typeId, attributeId: AttributeIds.BrowseName })));
      custom.forEach((c, i) => (c.node.dataType = (names[i].value?.value as { name?: string } | null)?.name ?? c.typeId));
    }
  }
  return nodes;
}

/**
 * Mappings for browsed variables under an asset path: each variable becomes `<assetPath>/<name>`,
 * with the tag type taken from its data type.
 */
export function mappingsFor(nodes: readonly BrowsedNode[], assetPath: string): OpcUaMappingInput[] {
  return nodes
    .filter((n) => n.nodeClass === 'Variable')
    .map((n) => ({
      nodeId: n.nodeId,
      tag: `${assetPath}/${tagSegment(n.browseName)}`,
      type: tagTypeOf(n.dataType),
    }));
}

/**
 * Renders mappings as the `mappings:` block of an `opcua` connector config, ready to paste.
 *
 * @example renderMappingYaml([{ nodeId: 'ns=1;s=t', tag: 'acme/berlin/line-1/press-1/temperature', unit: 'degC' }])
 * // mappings:\n  - nodeId: ns=1;s=t\n    tag: acme/berlin/line-1/press-1/temperature\n    unit: degC\n
 */
export function renderMappingYaml(mappings: readonly OpcUaMappingInput[]): string {
  return stringify({ mappings: mappings.map(compactMapping) }, { lineWidth: 0 });
}
