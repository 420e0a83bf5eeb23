import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { createCore, type Core } from '../../src/main/core/core'
import type { ClusterConfigInput } from '../../src/shared/config'

export const sampleCluster: ClusterConfigInput = {
  version: 1,
  name: 'etalab',
  ssh: { useSshConfig: false },
  hosts: [
    { name: 'hv1', address: '10.77.11.1', migrationAddress: '10.77.0.1', gateway: '10.77.11.254' },
    { name: 'hv2', address: '10.77.12.1', migrationAddress: '10.77.0.2', gateway: '10.77.12.254' },
    { name: 'hv3', address: '10.77.13.1', migrationAddress: '10.77.0.3', gateway: '10.77.13.254' },
  ],
}

/** A core on a throw-away config directory; `cluster` is written first when given. */
export async function tempCore(
  cluster?: ClusterConfigInput,
): Promise<{ core: Core; dir: string; configPath: string; cleanup(): Promise<void> }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hd-core-'))
  const configPath = path.join(dir, 'cluster.json')
  if (cluster) fs.writeFileSync(configPath, JSON.stringify(cluster))
  // Unit tests never reach out to hosts: the lab tests do that on purpose.
  const core = await createCore({ configPath, home: dir, version: 'test', autoConnect: false })
  return {
    core,
    dir,
    configPath,
    async cleanup() {
      await core.close()
      fs.rmSync(dir, { recursive: true, force: true })
    },
  }
}
