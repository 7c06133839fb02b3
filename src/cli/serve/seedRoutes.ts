import fsp from 'node:fs/promises'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { z } from 'zod'
import type { CommandOutcome } from '../../shared/bridge.js'
import type { JobSnapshot } from '../../shared/jobs.js'
import {
  DestinationPathSchema,
  RequireBackupAtSchema,
  SourceRefSchema,
  type CommandName,
} from '../../shared/contract.js'
import type { Settings } from '../../shared/settings.js'
import { decodedOrRaw, httpStatusOf, readJsonBody, sendError, sendJson } from './httpReply.js'

/**
 * The REST routes of the original CreatureBox web app, kept so scripts written for it keep working. Each
 * maps its snake_case body onto a contract command; the contract's schemas still validate everything.
 * "Seed" in the names here means that app: the Companion was started as its successor.
 */
export interface SeedRouteContext {
  dispatch: (name: CommandName, input: unknown) => Promise<CommandOutcome>
  settings: () => Settings
  /** The first `--source`: the original web app served exactly one box's photos. */
  defaultSource: string | undefined
}

/** The contract's path rules: an empty, blank or relative path would mean serve's own working folder. */
const SourceField = SourceRefSchema.optional()
const CleanupBody = z.object({
  days_to_keep: z.number().int().nonnegative().default(30),
  source: SourceField,
  /** Where verified backups are; defaults to the destinations saved in the settings. */
  require_backup_at: RequireBackupAtSchema.optional(),
})
const BackupBody = z.object({ device_path: DestinationPathSchema.optional(), source: SourceField })
const ProcessBatchBody = z.object({ photos: z.array(z.string()).default([]), source: SourceField })

type SeedHandler = (request: IncomingMessage, response: ServerResponse, url: URL) => Promise<void>

export function seedRouteOf(
  method: string,
  pathname: string,
  context: SeedRouteContext,
): SeedHandler | undefined {
  if (method === 'GET' && pathname === '/api/storage/stats') return (_q, r, url) => stats(r, url, context)
  if (method === 'POST' && pathname === '/api/storage/cleanup') return (q, r) => cleanup(q, r, context)
  if (method === 'POST' && pathname === '/api/storage/backup/external') return (q, r) => backup(q, r, context)
  if (method === 'POST' && pathname === '/api/photos/process-batch')
    return (q, r) => processBatch(q, r, context)
  const job = /^\/api\/jobs\/([^/]+)$/.exec(pathname)
  if (method === 'GET' && job?.[1]) {
    const id = decodedOrRaw(job[1])
    return (_q, r) => jobStatus(r, id, context)
  }
  return undefined
}

async function stats(response: ServerResponse, url: URL, context: SeedRouteContext): Promise<void> {
  const source = url.searchParams.get('source') ?? context.defaultSource
  if (!source) return noSource(response)
  const outcome = await context.dispatch('storage.stats', {
    source,
    refresh: url.searchParams.has('refresh'),
  })
  reply(response, outcome, (value) => value)
}

async function cleanup(request: IncomingMessage, response: ServerResponse, context: SeedRouteContext) {
  const body = parseBody(CleanupBody, await readJsonBody(request), response)
  if (!body) return
  const source = body.source ?? context.defaultSource
  if (!source) return noSource(response)
  const outcome = await context.dispatch('storage.cleanup', {
    source,
    daysToKeep: body.days_to_keep,
    requireBackupAt: body.require_backup_at ?? context.settings().destinations,
  })
  reply(response, outcome, jobCreated)
}

async function backup(request: IncomingMessage, response: ServerResponse, context: SeedRouteContext) {
  const body = parseBody(BackupBody, await readJsonBody(request), response)
  if (!body) return
  const device = body.device_path
  const isThere = device !== undefined && (await fsp.stat(device).catch(() => undefined))?.isDirectory()
  if (!device || !isThere) {
    return sendError(response, 400, {
      code: 'DESTINATION_NOT_FOUND',
      message: device ? `External device not found: ${device}` : 'device_path is required',
    })
  }
  const source = body.source ?? context.defaultSource
  if (!source) return noSource(response)
  const outcome = await context.dispatch('storage.backup', {
    source,
    destinations: [device],
    incremental: true,
  })
  reply(response, outcome, jobCreated)
}

async function processBatch(request: IncomingMessage, response: ServerResponse, context: SeedRouteContext) {
  const body = parseBody(ProcessBatchBody, await readJsonBody(request), response)
  if (!body) return
  const source = body.source ?? context.defaultSource
  if (!source) return noSource(response)
  const outcome = await context.dispatch('photos.processBatch', { source, photos: body.photos })
  reply(response, outcome, jobCreated)
}

async function jobStatus(response: ServerResponse, id: string, context: SeedRouteContext): Promise<void> {
  const outcome = await context.dispatch('jobs.get', { id })
  if (outcome.ok && outcome.value === null) {
    return sendError(response, 404, { code: 'NOT_FOUND', message: `No job with id ${id}` })
  }
  reply(response, outcome, (value) => {
    const job = value as JobSnapshot
    return {
      id: job.id,
      status: job.status,
      // A completed job may still have missed files or drives: scripts test this, not the status.
      ...(job.outcome ? { outcome: job.outcome, problems: job.problems ?? 0 } : {}),
      progress: job.progress,
      result: job.status === 'completed' ? job.result : null,
      ...(job.error ? { error: job.error } : {}),
    }
  })
}

const jobCreated = (value: unknown) => {
  const job = value as JobSnapshot
  return { job_id: job.id, status: job.status }
}

function reply(response: ServerResponse, outcome: CommandOutcome, shape: (value: unknown) => unknown): void {
  if (outcome.ok) sendJson(response, 200, shape(outcome.value))
  else sendError(response, httpStatusOf(outcome.error.code), outcome.error)
}

function parseBody<S extends z.ZodType>(
  schema: S,
  body: unknown,
  response: ServerResponse,
): z.output<S> | undefined {
  const parsed = schema.safeParse(body)
  if (parsed.success) return parsed.data
  sendError(response, 400, { code: 'INVALID_INPUT', message: z.prettifyError(parsed.error) })
  return undefined
}

const noSource = (response: ServerResponse) =>
  sendError(response, 400, {
    code: 'INVALID_INPUT',
    message: 'No source: start serve with --source <path>, or name one with "source"',
  })
