import fsp from 'node:fs/promises'
import path from 'node:path'
import { z } from 'zod'
import { DeploymentSettingsSchema, type DeploymentSettings } from '../../shared/camtrapDp.js'
import { errnoCode } from '../errors.js'
import { writeFileAtomically } from '../files/writeFileAtomically.js'

/**
 * The place and time zone each box (by device name) was last exported with, so the export dialog offers
 * them again: a box usually stays at one site for several cards. Kept in the app's data folder, never on the
 * card; a file that does not parse is treated as empty rather than blocking an export.
 */
const FILE = 'deployments.json'
const MemorySchema = z.record(z.string(), DeploymentSettingsSchema)

export async function rememberedDeployment(
  dataDir: string,
  deviceName: string,
): Promise<DeploymentSettings | null> {
  return (await readMemory(dataDir))[deviceName] ?? null
}

export async function rememberDeployment(
  dataDir: string,
  deviceName: string,
  deployment: DeploymentSettings,
): Promise<void> {
  const memory = await readMemory(dataDir)
  memory[deviceName] = DeploymentSettingsSchema.parse(deployment)
  await fsp.mkdir(dataDir, { recursive: true })
  await writeFileAtomically(path.join(dataDir, FILE), JSON.stringify(memory, null, 2) + '\n')
}

async function readMemory(dataDir: string): Promise<Record<string, DeploymentSettings>> {
  try {
    const parsed = MemorySchema.safeParse(JSON.parse(await fsp.readFile(path.join(dataDir, FILE), 'utf8')))
    return parsed.success ? parsed.data : {}
  } catch (error) {
    if (errnoCode(error) === 'ENOENT' || error instanceof SyntaxError) return {}
    throw error
  }
}
