import { assessVerify } from '../shared/verify.js'
import type { CommandHandlers } from './dispatch.js'
import { CompanionError } from './errors.js'
import { exportCamtrapDp } from './export/camtrapDpExport.js'
import { rememberDeployment, rememberedDeployment } from './export/deploymentMemory.js'
import { favoritesOf } from './export/photoFavorites.js'
import type { JobQueue } from './jobs/index.js'
import type { StorageManager } from './storage/storageManager.js'
import { verifyBackup } from './storage/verifyBackup.js'

interface Dependencies {
  dataDir: string
  jobs: JobQueue
  managerFor: (ref: string) => Promise<StorageManager>
}

/** `storage.verify` (a job) and the Camtrap DP export, with the deployment remembered per box. */
export function createVerifyExportHandlers({
  dataDir,
  jobs,
  managerFor,
}: Dependencies): Pick<CommandHandlers, 'storage.verify' | 'export.camtrapDp' | 'export.deploymentOf'> {
  return {
    'storage.verify': async ({ target, sampleFraction }) =>
      jobs.enqueue(
        `Verify ${target}`,
        ({ signal, progress }) => verifyBackup(target, { sampleFraction, signal, onProgress: progress }),
        { kind: 'verify', source: target, assess: assessVerify },
      ),
    'export.camtrapDp': async ({ source, outDir, ...options }) => {
      const manager = await managerFor(source)
      const photoRoot = manager.source.features.localRoot
      if (!photoRoot) {
        throw new CompanionError(
          'INVALID_INPUT',
          'Camtrap DP export needs a card or folder on this computer: back the box up first and export the backup',
        )
      }
      const catalog = await manager.getCatalog({ refresh: true })
      const favorites = await favoritesOf(dataDir, manager, photoRoot)
      const result = await exportCamtrapDp({ catalog, photoRoot, outDir, options, favorites })
      const { deploymentID, latitude, longitude, timeZone } = options
      if (catalog.deviceName)
        await rememberDeployment(dataDir, catalog.deviceName, { deploymentID, latitude, longitude, timeZone })
      return result
    },
    'export.deploymentOf': async ({ source }) => {
      const { deviceName } = await (await managerFor(source)).getCatalog()
      return { deviceName, deployment: deviceName ? await rememberedDeployment(dataDir, deviceName) : null }
    },
  }
}
