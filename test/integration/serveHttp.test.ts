import fsp from 'node:fs/promises'
import http from 'node:http'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Companion } from '../../src/core/companion.js'
import { writeCardFixture } from '../../src/core/fixtures/cardFixture.js'
import type { ContractEvent } from '../../src/shared/bridge.js'
import type { JobSnapshot } from '../../src/shared/jobs.js'
import { startInProcessServe, type InProcessServe } from '../support/inProcessServe.js'

const TOKEN = 'test-token-0123456789abcdef'
const bearer = { Authorization: `Bearer ${TOKEN}` }

let dir: string
let card: string
let companion: Companion
let base: string
let running: InProcessServe

beforeAll(async () => {
  dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'serve-http-'))
  card = (await writeCardFixture(path.join(dir, 'CARD'), { nights: 2, perNight: 5, photoKb: 40 })).root
  const ui = path.join(dir, 'ui')
  await fsp.mkdir(path.join(ui, 'assets'), { recursive: true })
  await fsp.writeFile(path.join(ui, 'index.html'), '<!doctype html><title>ui</title>')
  await fsp.writeFile(path.join(ui, 'assets', 'app.js'), 'console.log(1)')
  await fsp.writeFile(path.join(dir, 'secret.txt'), 'not for the browser')
  running = await startInProcessServe({
    dataDir: path.join(dir, 'data'),
    token: TOKEN,
    rendererDir: ui,
    defaultSource: card,
  })
  ;({ companion, base } = running)
})
afterAll(async () => {
  await running.close()
  await fsp.rm(dir, { recursive: true, force: true })
})

const post = (route: string, body: unknown, headers: Record<string, string> = bearer) =>
  fetch(base + route, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...headers },
    body: JSON.stringify(body),
  })

/** A raw GET, because fetch would normalise `..` out of the path before sending it. */
const rawGet = (rawPath: string) =>
  new Promise<number>((resolve, reject) => {
    const request = http.get(base + '/', { path: rawPath, headers: bearer }, (response) => {
      response.resume()
      resolve(response.statusCode ?? 0)
    })
    request.on('error', reject)
  })

async function waitForJob(id: string): Promise<JobSnapshot> {
  const final = await companion.jobs.waitFor(id)
  if (!final) throw new Error(`job ${id} vanished`)
  return final
}

describe('serve: access token', () => {
  it('answers 401 with a typed error to API calls without the token or with a wrong one', async () => {
    for (const headers of [{}, { Authorization: 'Bearer wrong-token-0123456789abcdef' }] as Record<
      string,
      string
    >[]) {
      const response = await fetch(`${base}/api/storage/stats`, { headers })
      expect(response.status).toBe(401)
      expect(await response.json()).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } })
    }
    expect((await post('/api/commands/jobs.list', {}, {})).status).toBe(401)
    expect((await fetch(`${base}/`)).status).toBe(401)
  })

  it('takes the token from ?token= on the page and then lets the page load its files by cookie', async () => {
    const page = await fetch(`${base}/?token=${TOKEN}`)
    expect(page.status).toBe(200)
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'")
    const cookie = page.headers.get('set-cookie')?.split(';')[0] ?? ''
    expect(cookie).toContain(TOKEN)
    const asset = await fetch(`${base}/assets/app.js`, {
      headers: { Cookie: cookie, 'Accept-Encoding': 'gzip' },
    })
    expect(asset.status).toBe(200)
    expect(asset.headers.get('content-encoding')).toBe('gzip')
    expect(await asset.text()).toBe('console.log(1)')
  })

  it('never lets the cookie or a query token act on the API with a POST', async () => {
    const cookie = `creaturebox_token_${new URL(base).port}=${TOKEN}`
    expect((await post('/api/commands/jobs.list', {}, { Cookie: cookie })).status).toBe(401)
    expect((await post(`/api/commands/jobs.list?token=${TOKEN}`, {}, {})).status).toBe(401)
  })

  it('serves nothing outside the built UI folder', async () => {
    expect(await rawGet('/../secret.txt')).toBe(404)
    expect(await rawGet('/%2e%2e/secret.txt')).toBe(404)
    expect(await rawGet('/assets/..%2f..%2fsecret.txt')).toBe(404)
  })
})

describe('serve: the contract over HTTP', () => {
  it('runs a command and returns its outcome', async () => {
    const response = await post('/api/commands/storage.stats', { source: card })
    expect(response.status).toBe(200)
    const outcome = (await response.json()) as { ok: boolean; value: { photos: { count: number } } }
    expect(outcome.ok).toBe(true)
    expect(outcome.value.photos.count).toBeGreaterThan(5)
  })

  it('answers invalid input with a typed 400 and an unknown command with a typed 404', async () => {
    const invalid = await post('/api/commands/storage.backup', { source: card, destinations: [] })
    expect(invalid.status).toBe(400)
    expect(await invalid.json()).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } })
    const notJson = await fetch(`${base}/api/commands/jobs.list`, {
      method: 'POST',
      headers: bearer,
      body: '{',
    })
    expect(notJson.status).toBe(400)
    expect(await notJson.json()).toMatchObject({ error: { code: 'INVALID_INPUT' } })
    expect((await post('/api/commands/%E0%A4%A', {})).status).toBe(404)
    expect((await fetch(`${base}/api/jobs/%E0%A4%A`, { headers: bearer })).status).toBe(404)
    const unknown = await post('/api/commands/storage.format', {})
    expect(unknown.status).toBe(404)
    expect(await unknown.json()).toMatchObject({ ok: false, error: { code: 'UNKNOWN_COMMAND' } })
  })

  it('reports a missing card as a readable error, not a stack trace', async () => {
    const response = await post('/api/commands/storage.stats', { source: path.join(dir, 'gone') })
    expect(response.status).toBe(422)
    const body = (await response.json()) as { error: { code: string; message: string } }
    expect(body.error.code).toBe('SOURCE_NOT_FOUND')
    expect(body.error.message).not.toMatch(/\n\s+at /)
  })

  it('streams job.updated events over SSE until a backup started over HTTP completes', async () => {
    const events = await fetch(`${base}/api/events?token=${TOKEN}`)
    expect(events.status).toBe(200)
    expect(events.headers.get('content-type')).toContain('text/event-stream')
    const drive = path.join(dir, 'DRIVE-SSE')
    await fsp.mkdir(drive)
    const started = (await (
      await post('/api/commands/storage.backup', { source: card, destinations: [drive] })
    ).json()) as {
      value: JobSnapshot
    }
    const seen: ContractEvent[] = []
    const reader = events.body!.pipeThrough(new TextDecoderStream()).getReader()
    let buffer = ''
    while (
      !seen.some(
        (e) =>
          e.name === 'job.updated' && e.payload.id === started.value.id && e.payload.status === 'completed',
      )
    ) {
      const { value, done } = await reader.read()
      if (done) throw new Error('event stream ended early')
      buffer += value
      const messages = buffer.split('\n\n')
      buffer = messages.pop() ?? ''
      for (const message of messages) {
        const data = message.split('\n').find((line) => line.startsWith('data: '))
        if (data) seen.push(JSON.parse(data.slice(6)) as ContractEvent)
      }
    }
    await reader.cancel()
    const statuses = seen.flatMap((e) =>
      e.name === 'job.updated' && e.payload.id === started.value.id ? [e.payload.status] : [],
    )
    expect(statuses).toContain('running')
  })

  it('persists settings through settings.update', async () => {
    const updated = await post('/api/commands/settings.update', {
      destinations: ['/media/BACKUP'],
      preferences: { daysToKeep: 7 },
    })
    expect(await updated.json()).toMatchObject({
      ok: true,
      value: { destinations: ['/media/BACKUP'], preferences: { daysToKeep: 7, theme: 'system' } },
    })
    const onDisk = JSON.parse(await fsp.readFile(path.join(dir, 'data', 'settings.json'), 'utf8')) as unknown
    expect(onDisk).toMatchObject({ destinations: ['/media/BACKUP'] })
  })
})

describe('serve: the REST routes of the original web app', () => {
  it('GET /api/storage/stats returns the default source stats', async () => {
    const response = await fetch(`${base}/api/storage/stats`, { headers: bearer })
    expect(response.status).toBe(200)
    expect(await response.json()).toMatchObject({
      sourceId: expect.stringContaining('CARD'),
      photos: { count: expect.any(Number) },
    })
  })

  it('GET /api/jobs/<id> is 404 for an unknown job', async () => {
    const response = await fetch(`${base}/api/jobs/00000000-0000-4000-8000-000000000000`, { headers: bearer })
    expect(response.status).toBe(404)
    expect(await response.json()).toMatchObject({ error: { code: 'NOT_FOUND' } })
  })

  it('POST /api/storage/backup/external is 400 when the device is missing, else a job to poll', async () => {
    const missing = await post('/api/storage/backup/external', { device_path: path.join(dir, 'unplugged') })
    expect(missing.status).toBe(400)
    expect(await missing.json()).toMatchObject({ error: { code: 'DESTINATION_NOT_FOUND' } })
    expect((await post('/api/storage/backup/external', {})).status).toBe(400)

    const drive = path.join(dir, 'DRIVE-REST')
    await fsp.mkdir(drive)
    const started = (await (await post('/api/storage/backup/external', { device_path: drive })).json()) as {
      job_id: string
    }
    await waitForJob(started.job_id)
    const job = await fetch(`${base}/api/jobs/${started.job_id}`, { headers: bearer })
    expect(await job.json()).toMatchObject({
      id: started.job_id,
      status: 'completed',
      result: { failed: [] },
    })
  })

  it('POST /api/storage/cleanup runs a cleanup job that refuses photos without a verified backup', async () => {
    const started = (await (
      await post('/api/storage/cleanup', { days_to_keep: 0, require_backup_at: [] })
    ).json()) as {
      job_id: string
    }
    const final = await waitForJob(started.job_id)
    expect(final.status).toBe('completed')
    const result = final.result as { deleted: number; refused: unknown[] }
    expect(result.deleted).toBe(0)
    expect(result.refused.length).toBeGreaterThan(0)
    expect((await post('/api/storage/cleanup', { days_to_keep: -3 })).status).toBe(400)
  })

  it('POST /api/photos/process-batch returns a job whose result describes the named photos', async () => {
    const catalog = await fsp.readdir(path.join(card, 'photos'), { recursive: true })
    const photo = catalog.map(String).find((name) => name.endsWith('HDR0.jpg'))!
    const started = (await (
      await post('/api/photos/process-batch', { photos: [`photos/${photo}`, 'photos/nope.jpg'] })
    ).json()) as {
      job_id: string
    }
    const final = await waitForJob(started.job_id)
    expect(final.result).toMatchObject({
      photos: [{ path: `photos/${photo}`, night: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/) }],
      missing: ['photos/nope.jpg'],
    })
  })
})

describe('serve: a backup script can tell a partial backup from a complete one', () => {
  it('a backup that missed a drive completes with outcome partial and a problem count, in every route', async () => {
    const drive = path.join(dir, 'DRIVE-PARTIAL')
    await fsp.mkdir(drive)
    // A second drive the run cannot write to: where the card's folder would go, a file already stands.
    const broken = path.join(dir, 'DRIVE-BROKEN')
    await fsp.mkdir(broken)
    await fsp.writeFile(path.join(broken, 'adeptTurca_CARD'), 'not a folder')
    const response = await post('/api/commands/storage.backup', {
      source: card,
      destinations: [drive, broken],
    })
    const started = ((await response.json()) as { value: JobSnapshot }).value
    const final = await waitForJob(started.id)
    expect(final).toMatchObject({
      kind: 'backup',
      source: card,
      status: 'completed',
      outcome: 'partial',
      problems: 1,
    })

    const rest = (await (
      await fetch(`${base}/api/jobs/${started.id}`, { headers: bearer })
    ).json()) as Record<string, unknown>
    expect(rest).toMatchObject({ status: 'completed', outcome: 'partial', problems: 1 })
    const viaContract = (await (await post('/api/commands/jobs.get', { id: started.id })).json()) as {
      value: JobSnapshot
    }
    expect(viaContract.value).toMatchObject({ outcome: 'partial', problems: 1 })

    const complete = (
      (await (
        await post('/api/commands/storage.backup', { source: card, destinations: [drive] })
      ).json()) as {
        value: JobSnapshot
      }
    ).value
    expect(await waitForJob(complete.id)).toMatchObject({
      status: 'completed',
      outcome: 'success',
      problems: 0,
    })
  })

  it('refuses a system folder or the system drive root as a destination at once, with 422 and the reason', async () => {
    for (const destination of ['/etc', '/']) {
      const before = await fsp.readdir(destination)
      const refused = await post('/api/storage/backup/external', { device_path: destination })
      expect(refused.status).toBe(422)
      expect(await refused.json()).toMatchObject({ error: { code: 'UNSAFE_DESTINATION' } })
      const viaContract = await post('/api/commands/storage.backup', {
        source: card,
        destinations: [destination],
      })
      expect(viaContract.status).toBe(422)
      expect(await fsp.readdir(destination)).toEqual(before)
    }
    expect(companion.jobs.listJobs().filter((job) => job.status === 'failed')).toEqual([])
  })
})
