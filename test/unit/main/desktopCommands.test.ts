import fsp from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import {
  createDesktopHandlers,
  type FolderDialog,
  type FolderOpener,
} from '../../../src/main/desktopCommands.js'
import { dispatchCommand, type CommandHandlers } from '../../../src/core/dispatch.js'
import type { JobSnapshot } from '../../../src/shared/jobs.js'

// The desktop-only commands with a fake dialog and a fake shell, through the dispatcher as IPC calls them:
// no Electron binary needed (desktopCommands.ts imports only types from Electron's side).

const JOB_ID = '00000000-0000-4000-8000-000000000001'
let drive: string
let CARD_FOLDER: string
beforeEach(async () => {
  drive = await fsp.mkdtemp(path.join(os.tmpdir(), 'desktop-commands-'))
  CARD_FOLDER = path.join(drive, 'swiftLuna_CARD')
  await fsp.mkdir(CARD_FOLDER)
})
afterEach(async () => {
  await fsp.rm(drive, { recursive: true, force: true })
})

function backupJob(overrides: Partial<JobSnapshot> = {}): JobSnapshot {
  return {
    id: JOB_ID,
    name: 'Backup of /media/me/CARD',
    kind: 'backup',
    status: 'completed',
    progress: {},
    createdAt: 0,
    result: {
      sourceId: 'card',
      filesTotal: 1,
      bytesTotal: 1,
      copied: 1,
      skipped: 0,
      failed: [],
      flagged: [],
      bytesCopied: 1,
      durationMs: 1,
      destinations: [
        {
          destination: drive,
          cardFolder: CARD_FOLDER,
          manifestPath: `${CARD_FOLDER}/creaturebox-manifest.jsonl`,
          copied: 1,
          skipped: 0,
          moved: 0,
          failed: [],
          bytesCopied: 1,
        },
      ],
    },
    ...overrides,
  }
}

function setUp({
  chosen = { canceled: false, filePaths: ['/media/me/BACKUP_B'] },
  openFailure = '',
  job = backupJob() as JobSnapshot | null,
} = {}) {
  const dialog = { showOpenDialog: vi.fn<FolderDialog['showOpenDialog']>(async () => chosen) }
  const shell = { openPath: vi.fn<FolderOpener['openPath']>(async () => openFailure) }
  const desktop = createDesktopHandlers({
    dialog,
    shell,
    getJob: async ({ id }) => (id === JOB_ID ? job : null),
  })
  // Only the desktop commands are expected to run here.
  const handlers = new Proxy({} as CommandHandlers, {
    get: (_target, name) =>
      (desktop as Record<string, unknown>)[String(name)] ??
      (() => Promise.reject(new Error(`unexpected command ${String(name)}`))),
  })
  const call = (name: string, input: unknown) => dispatchCommand(handlers, name, input)
  return { dialog, shell, call }
}

describe('desktop.chooseFolder', () => {
  it("opens the system's folder dialog and returns the folder picked", async () => {
    const { dialog, call } = setUp()
    expect(await call('desktop.chooseFolder', { title: 'Choose a backup folder' })).toEqual({
      ok: true,
      value: { path: '/media/me/BACKUP_B' },
    })
    expect(dialog.showOpenDialog).toHaveBeenCalledWith({
      title: 'Choose a backup folder',
      properties: ['openDirectory', 'createDirectory'],
    })
  })

  it('returns no folder when the user cancels', async () => {
    const { call } = setUp({ chosen: { canceled: true, filePaths: [] } })
    expect(await call('desktop.chooseFolder', {})).toEqual({ ok: true, value: { path: null } })
  })

  it('refuses invalid input before the dialog opens', async () => {
    const { dialog, call } = setUp()
    expect(await call('desktop.chooseFolder', { title: 42 })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_INPUT' },
    })
    expect(dialog.showOpenDialog).not.toHaveBeenCalled()
  })
})

describe('desktop.openFolder', () => {
  it('opens a card folder the backup job wrote to', async () => {
    const { shell, call } = setUp()
    expect(await call('desktop.openFolder', { jobId: JOB_ID, folder: CARD_FOLDER })).toEqual({
      ok: true,
      value: { opened: true },
    })
    expect(shell.openPath).toHaveBeenCalledWith(CARD_FOLDER)
  })

  it('refuses any folder the job did not write, a program, a relative path, and an unknown job', async () => {
    const { shell, call } = setUp()
    for (const folder of [drive, '/usr/bin/xterm', `${CARD_FOLDER}/..`, '/etc']) {
      expect(await call('desktop.openFolder', { jobId: JOB_ID, folder }), folder).toMatchObject({
        ok: false,
        error: { code: 'PATH_OUTSIDE_SOURCE' },
      })
    }
    expect(await call('desktop.openFolder', { jobId: JOB_ID, folder: 'BACKUP_A' })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_INPUT' },
    })
    expect(await call('desktop.openFolder', { jobId: 'other', folder: CARD_FOLDER })).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND' },
    })
    expect(shell.openPath).not.toHaveBeenCalled()
  })

  it('refuses the folders of a job that is not a backup', async () => {
    const { shell, call } = setUp({ job: backupJob({ kind: 'verify' }) })
    expect(await call('desktop.openFolder', { jobId: JOB_ID, folder: CARD_FOLDER })).toMatchObject({
      ok: false,
      error: { code: 'PATH_OUTSIDE_SOURCE' },
    })
    expect(shell.openPath).not.toHaveBeenCalled()
  })

  it('opens nothing when the folder is gone, or was replaced by a file or a link', async () => {
    const { shell, call } = setUp()
    await fsp.rm(CARD_FOLDER, { recursive: true })
    expect(await call('desktop.openFolder', { jobId: JOB_ID, folder: CARD_FOLDER })).toMatchObject({
      ok: false,
      error: {
        code: 'DESTINATION_NOT_FOUND',
        message: `${CARD_FOLDER} is not there (is the drive plugged in?)`,
      },
    })
    await fsp.writeFile(CARD_FOLDER, '#!/bin/sh\n')
    expect(await call('desktop.openFolder', { jobId: JOB_ID, folder: CARD_FOLDER })).toMatchObject({
      ok: false,
    })
    await fsp.rm(CARD_FOLDER)
    await fsp.symlink(os.tmpdir(), CARD_FOLDER)
    expect(await call('desktop.openFolder', { jobId: JOB_ID, folder: CARD_FOLDER })).toMatchObject({
      ok: false,
    })
    expect(shell.openPath).not.toHaveBeenCalled()
  })

  it('says why when the system could not open it (the drive was unplugged since)', async () => {
    const { call } = setUp({ openFailure: 'Failed to open path' })
    expect(await call('desktop.openFolder', { jobId: JOB_ID, folder: CARD_FOLDER })).toEqual({
      ok: false,
      error: { code: 'DESTINATION_NOT_FOUND', message: `Could not open ${CARD_FOLDER}: Failed to open path` },
    })
  })
})
