import { spawnSync } from 'node:child_process'
import fsp from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseCsv } from '../../src/core/export/csv.js'
import { writeCardFixture } from '../../src/core/fixtures/cardFixture.js'
import { camtrapDpProblems } from '../support/camtrapDp/validatePackage.js'

const cli = fileURLToPath(new URL('../../bin/creaturebox.js', import.meta.url))
const run = (...args: string[]) => spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8' })

let dir: string
let card: string
let fixturePhoto: string

beforeAll(async () => {
  dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'export-'))
  const fixture = await writeCardFixture(path.join(dir, 'CARD'), { nights: 2, perNight: 6, photoKb: 60 })
  card = fixture.root
  const photos = await fsp.readdir(path.join(card, 'photos'), { recursive: true })
  fixturePhoto = path.join(card, 'photos', photos.find((name) => name.endsWith('_HDR0.jpg')) as string)
})
afterAll(async () => {
  await fsp.rm(dir, { recursive: true, force: true })
})

async function readTable(file: string): Promise<Record<string, string>[]> {
  const [header = [], ...rows] = parseCsv(await fsp.readFile(file, 'utf8'))
  return rows.map((row) => Object.fromEntries(header.map((name, index) => [name, row[index] ?? ''])))
}

const deployment = ['--deployment', 'adeptTurca-2024-09', '--lat', '9.15', '--lon', '-79.85']

describe('creaturebox export camtrap-dp', () => {
  it('writes a valid package of a backed-up card: one media row per photo, paths that reach the photos', async () => {
    const drive = path.join(dir, 'DRIVE')
    await fsp.mkdir(drive)
    expect(run('backup', card, '--to', drive).status).toBe(0)
    const backup = path.join(drive, 'adeptTurca_CARD')
    const out = path.join(dir, 'package')
    const result = run(
      'export',
      'camtrap-dp',
      backup,
      '--out',
      out,
      ...deployment,
      '--timezone',
      'America/Panama',
      '--json',
    )
    expect(result.status, result.stderr).toBe(0)
    const report = JSON.parse(result.stdout)

    expect(await camtrapDpProblems(out)).toEqual([])
    expect((await fsp.readdir(out)).sort()).toEqual([
      'datapackage.json',
      'deployments.csv',
      'media.csv',
      'observations.csv',
    ])
    expect(await readTable(path.join(out, 'observations.csv'))).toEqual([])

    const media = await readTable(path.join(out, 'media.csv'))
    const stats = JSON.parse(run('stats', backup, '--json').stdout)
    const empty = report.leftOut.length
    expect(media).toHaveLength(stats.photos.count - empty)
    for (const row of media) {
      // filePath is relative to the package and reaches the very photo backed up.
      expect((await fsp.stat(path.resolve(out, row.filePath!))).isFile()).toBe(true)
      expect(path.resolve(out, row.filePath!).startsWith(backup)).toBe(true)
      expect(row).toMatchObject({
        captureMethod: 'timeLapse',
        fileMediatype: 'image/jpeg',
        filePublic: 'false',
      })
      expect(row.timestamp).toMatch(/-05:00$/) // Panama: no DST
    }
    const [deploymentRow] = await readTable(path.join(out, 'deployments.csv'))
    const times = media.map((row) => row.timestamp!).sort()
    expect(deploymentRow).toMatchObject({
      deploymentID: 'adeptTurca-2024-09',
      latitude: '9.15',
      longitude: '-79.85',
      deploymentStart: times[0],
      deploymentEnd: times.at(-1),
      cameraID: 'adeptTurca',
    })
  })

  it('gives each HDR frame its own row, with the offset DST had at each capture', async () => {
    const dstCard = path.join(dir, 'DST', 'photos')
    await fsp.mkdir(dstCard, { recursive: true })
    const names = [
      'adeptTurca_2024_10_26__23_00_00_HDR0.jpg',
      'adeptTurca_2024_10_26__23_00_00_HDR1.jpg',
      'adeptTurca_2024_10_26__23_00_00_HDR2.jpg',
      'adeptTurca_2024_10_27__04_00_00_HDR0.jpg',
    ]
    for (const name of names) await fsp.copyFile(fixturePhoto, path.join(dstCard, name))
    const out = path.join(dir, 'dst-package')
    const result = run(
      'export',
      'camtrap-dp',
      path.join(dir, 'DST'),
      '--out',
      out,
      ...deployment,
      '--timezone',
      'Europe/Berlin',
    )
    expect(result.status, result.stderr).toBe(0)
    expect(await camtrapDpProblems(out)).toEqual([])
    const media = await readTable(path.join(out, 'media.csv'))
    expect(media.map((row) => [row.fileName, row.timestamp])).toEqual([
      [names[0], '2024-10-26T23:00:00+02:00'],
      [names[1], '2024-10-26T23:00:00+02:00'],
      [names[2], '2024-10-26T23:00:00+02:00'],
      [names[3], '2024-10-27T04:00:00+01:00'],
    ])
    expect(new Set(media.map((row) => row.mediaID)).size).toBe(4)
  })

  it('dates the deployment by --start and --end, leaving out photos outside them', async () => {
    // The DST card of the test above: three frames the evening of the 26th, one at 04:00 on the 27th.
    const out = path.join(dir, 'bounded-package')
    const result = run(
      'export',
      'camtrap-dp',
      path.join(dir, 'DST'),
      '--out',
      out,
      ...deployment,
      '--timezone',
      'Europe/Berlin',
      '--start',
      '2024-10-26',
      '--end',
      '2024-10-27T02:00:00',
      '--json',
    )
    expect(result.status, result.stderr).toBe(0)
    const report = JSON.parse(result.stdout)
    expect(report).toMatchObject({
      media: 3,
      deploymentStart: '2024-10-26T00:00:00+02:00',
      deploymentEnd: '2024-10-27T02:00:00+02:00',
      leftOut: [
        { path: expect.stringContaining('2024_10_27__04_00_00'), reason: expect.stringContaining('outside') },
      ],
    })
    expect(await camtrapDpProblems(out)).toEqual([])
    const [deploymentRow] = await readTable(path.join(out, 'deployments.csv'))
    expect(deploymentRow).toMatchObject({
      deploymentStart: report.deploymentStart,
      deploymentEnd: report.deploymentEnd,
    })
  })

  it('refuses bad input with a clear message and writes nothing', async () => {
    const notEmpty = path.join(dir, 'not-empty')
    await fsp.mkdir(notEmpty)
    await fsp.writeFile(path.join(notEmpty, 'keep.txt'), 'mine')
    const out = path.join(dir, 'refused')
    const cases: [string[], number, string][] = [
      [
        ['--out', out, '--deployment', 'd', '--lon', '1', '--timezone', 'UTC'],
        2,
        "'--lat <degrees>' not specified",
      ],
      [
        ['--out', out, '--deployment', 'd', '--lat', '1', '--timezone', 'UTC'],
        2,
        "'--lon <degrees>' not specified",
      ],
      [
        ['--out', out, '--deployment', 'd', '--lat', '91', '--lon', '1', '--timezone', 'UTC'],
        2,
        'latitude must be between -90 and 90',
      ],
      [
        ['--out', out, '--deployment', 'd', '--lat', '1', '--lon', '-181', '--timezone', 'UTC'],
        2,
        'longitude must be between -180 and 180',
      ],
      [
        ['--out', out, '--deployment', 'd', '--lat', 'north', '--lon', '1', '--timezone', 'UTC'],
        2,
        'as a number',
      ],
      [
        ['--out', out, '--deployment', 'd', '--lat', '1', '--lon', '1', '--timezone', 'Europe/Atlantis'],
        2,
        'IANA name',
      ],
      [
        ['--out', notEmpty, '--deployment', 'd', '--lat', '1', '--lon', '1', '--timezone', 'UTC'],
        1,
        'is not empty',
      ],
    ]
    const before = (await fsp.readdir(dir)).sort()
    for (const [args, status, message] of cases) {
      const result = run('export', 'camtrap-dp', card, ...args)
      expect(result.status, args.join(' ')).toBe(status)
      expect(result.stderr).toContain(message)
    }
    // Nothing written: no package, no temp folder beside it, the non-empty folder as it was.
    expect((await fsp.readdir(dir)).sort()).toEqual(before)
    expect(await fsp.readdir(notEmpty)).toEqual(['keep.txt'])
  })
})
