// The camera tree (commune -> site -> camera), its search and the flat list of visible rows
// that the arrow keys walk. Pure, tested by tree.test.ts.
import type { Camera, Commune } from '../../api/types.ts';

export interface SiteNode {
  key: string;
  id: string;
  name: string;
  cameras: Camera[];
}
export interface CommuneNode {
  key: string;
  insee: string;
  name: string;
  sites: SiteNode[];
  cameraCount: number;
}

export type VisibleRow =
  | { kind: 'commune'; key: string; level: 1; parent: null; node: CommuneNode; expanded: boolean }
  | { kind: 'site'; key: string; level: 2; parent: string; node: SiteNode; expanded: boolean }
  | { kind: 'camera'; key: string; level: 3; parent: string; camera: Camera };

/** Lower case without accents, for searching "Église" with "eglise". */
export function normalise(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .trim();
}

export function cameraMatches(camera: Camera, query: string): boolean {
  const words = normalise(query).split(/\s+/).filter(Boolean);
  if (words.length === 0) return true;
  const haystack = normalise([camera.name, camera.siteName, camera.model ?? '', camera.ipAddress ?? '', camera.communeInsee].join(' '));
  return words.every((word) => haystack.includes(word));
}

const byName = (a: { name: string }, b: { name: string }) => a.name.localeCompare(b.name, 'fr', { numeric: true, sensitivity: 'base' });

export const communeKey = (insee: string) => `commune:${insee}`;
export const siteKey = (siteId: string) => `site:${siteId}`;
export const cameraKey = (cameraId: string) => `camera:${cameraId}`;

/** Groups the cameras that match `query`; communes and sites without a match are left out. */
export function buildTree(cameras: readonly Camera[], communes: readonly Pick<Commune, 'insee' | 'name'>[], query = ''): CommuneNode[] {
  const communeNames = new Map(communes.map((commune) => [commune.insee, commune.name]));
  const grouped = new Map<string, Map<string, SiteNode>>();
  for (const camera of cameras) {
    if (!cameraMatches(camera, query)) continue;
    const sites = grouped.get(camera.communeInsee) ?? new Map<string, SiteNode>();
    grouped.set(camera.communeInsee, sites);
    const site = sites.get(camera.siteId) ?? { key: siteKey(camera.siteId), id: camera.siteId, name: camera.siteName, cameras: [] };
    sites.set(camera.siteId, site);
    site.cameras.push(camera);
  }
  return [...grouped.entries()]
    .map(([insee, sites]) => {
      const siteNodes = [...sites.values()].sort(byName);
      for (const site of siteNodes) site.cameras.sort(byName);
      return {
        key: communeKey(insee),
        insee,
        name: communeNames.get(insee) ?? insee,
        sites: siteNodes,
        cameraCount: siteNodes.reduce((count, site) => count + site.cameras.length, 0),
      };
    })
    .sort(byName);
}

/**
 * The rows on screen, in order. A node is open when its key is in `expanded`; while searching
 * every branch is open, so that each match shows.
 */
export function visibleRows(tree: readonly CommuneNode[], expanded: ReadonlySet<string>, searching: boolean): VisibleRow[] {
  const rows: VisibleRow[] = [];
  for (const commune of tree) {
    const communeOpen = searching || expanded.has(commune.key);
    rows.push({ kind: 'commune', key: commune.key, level: 1, parent: null, node: commune, expanded: communeOpen });
    if (!communeOpen) continue;
    for (const site of commune.sites) {
      const siteOpen = searching || expanded.has(site.key);
      rows.push({ kind: 'site', key: site.key, level: 2, parent: commune.key, node: site, expanded: siteOpen });
      if (!siteOpen) continue;
      for (const camera of site.cameras) rows.push({ kind: 'camera', key: cameraKey(camera.id), level: 3, parent: site.key, camera });
    }
  }
  return rows;
}

export type TreeKey = 'ArrowDown' | 'ArrowUp' | 'ArrowRight' | 'ArrowLeft' | 'Home' | 'End';

/**
 * What an arrow key does (WAI-ARIA tree pattern): the row to focus, and a branch to open or
 * close. Right opens a closed branch, or goes to its first child; Left closes an open branch,
 * or goes to the parent.
 */
export function moveInTree(rows: readonly VisibleRow[], currentKey: string | null, key: TreeKey): { focus: string | null; open?: string; close?: string } {
  if (rows.length === 0) return { focus: null };
  const index = Math.max(
    0,
    rows.findIndex((row) => row.key === currentKey),
  );
  const current = rows[index]!;
  switch (key) {
    case 'ArrowDown':
      return { focus: rows[Math.min(rows.length - 1, index + 1)]!.key };
    case 'ArrowUp':
      return { focus: rows[Math.max(0, index - 1)]!.key };
    case 'Home':
      return { focus: rows[0]!.key };
    case 'End':
      return { focus: rows[rows.length - 1]!.key };
    case 'ArrowRight':
      if (current.kind === 'camera') return { focus: current.key };
      if (!current.expanded) return { focus: current.key, open: current.key };
      return { focus: rows[index + 1]?.parent === current.key ? rows[index + 1]!.key : current.key };
    case 'ArrowLeft':
      if (current.kind !== 'camera' && current.expanded) return { focus: current.key, close: current.key };
      return { focus: current.parent ?? current.key };
  }
}
