import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  backupOverlapsSource,
  checkBackupCopy,
  cleanupCutoff,
  groupRefusal,
  isCapturedBefore,
  isUnsafeCleanupRoot,
  mostTellingRefusal,
  unsafeCleanupRootReason,
  type CopyEvidence,
  type RefusalCode,
} from '../../../src/core/storage/cleanupSafety.js'

const home = '/home/ana'
const context = { home, systemMountpoints: ['/', '/boot/efi'] }

/** A folder name that is not `.`/`..` and holds no separator. */
const segment = fc
  .stringMatching(/^[A-Za-z0-9_-][A-Za-z0-9 ._-]{0,11}$/)
  .filter((s) => s !== '.' && s !== '..')
const segments = (min: number, max: number) => fc.array(segment, { minLength: min, maxLength: max })

/** The same path as a user or a tool might spell it: trailing slash, doubled slashes, `.` segments, case. */
const spelling = fc.integer({ min: 0, max: 4 })
function spell(posixPath: string, variant: number): string {
  switch (variant) {
    case 1:
      return `${posixPath}/`
    case 2:
      return posixPath.replace(/\//g, '//')
    case 3:
      return posixPath === '/' ? '/.' : `${posixPath}/.`
    case 4:
      return posixPath.toUpperCase()
    default:
      return posixPath
  }
}

const SYSTEM_FOLDERS = ['/usr', '/etc', '/var', '/bin', '/sbin', '/lib', '/boot', '/proc', '/sys', '/dev']

describe('isUnsafeCleanupRoot', () => {
  it('refuses the file system root, the home folder and every folder holding it, however spelled', () => {
    fc.assert(
      fc.property(segments(1, 4), fc.nat(), spelling, (homeSegments, cut, variant) => {
        const userHome = `/${homeSegments.join('/')}`
        const ancestor = `/${homeSegments.slice(0, cut % (homeSegments.length + 1)).join('/')}`
        expect(isUnsafeCleanupRoot(spell(ancestor, variant), { home: userHome })).toBe(true)
      }),
    )
  })

  it('allows a folder below the home folder, such as a copy of a card', () => {
    fc.assert(
      fc.property(segments(1, 4), (below) => {
        expect(unsafeCleanupRootReason(`${home}/${below.join('/')}`, context)).toBeUndefined()
      }),
    )
  })

  it('refuses system folders and anything inside the ones that belong to the operating system', () => {
    for (const folder of SYSTEM_FOLDERS) expect(isUnsafeCleanupRoot(folder, context), folder).toBe(true)
    fc.assert(
      fc.property(
        fc.constantFrom('/usr', '/etc', '/bin', '/sbin', '/lib', '/boot', '/proc', '/sys', '/dev'),
        segments(0, 3),
        spelling,
        (folder, below, variant) => {
          expect(unsafeCleanupRootReason(spell([folder, ...below].join('/'), variant), context)).toBe(
            'SYSTEM_FOLDER',
          )
        },
      ),
    )
  })

  it('refuses Windows system folders and the system drive, in any case or separator', () => {
    const windows = { home: 'C:\\Users\\ana', systemMountpoints: ['C:\\'] }
    for (const root of [
      'C:\\',
      'c:/',
      'C:',
      'C:\\Windows',
      'c:\\windows\\System32',
      'C:\\Program Files\\x',
    ]) {
      expect(isUnsafeCleanupRoot(root, windows), root).toBe(true)
    }
    expect(isUnsafeCleanupRoot('C:\\Users', windows)).toBe(true)
    expect(isUnsafeCleanupRoot('C:\\Users\\ana\\', windows)).toBe(true)
    expect(isUnsafeCleanupRoot('D:\\', { ...windows, systemMountpoints: ['C:\\', 'D:\\'] })).toBe(true)
    // A card mounted as a drive letter is exactly where cleanup runs.
    expect(isUnsafeCleanupRoot('E:\\', windows)).toBe(false)
    expect(isUnsafeCleanupRoot('C:\\Users\\ana\\Pictures\\card-1', windows)).toBe(false)
  })

  it('refuses a root equal to a system mount point but not a folder below it', () => {
    fc.assert(
      fc.property(segments(1, 3), segments(1, 3), spelling, (mount, below, variant) => {
        const mountpoint = `/mnt/${mount.join('/')}`
        const options = { home, systemMountpoints: ['/', mountpoint] }
        expect(unsafeCleanupRootReason(spell(mountpoint, variant), options)).toBe('SYSTEM_MOUNTPOINT')
        expect(isUnsafeCleanupRoot(`${mountpoint}/${below.join('/')}`, options)).toBe(false)
      }),
    )
  })

  it('refuses the folders every card or user sits under, but allows a card below them', () => {
    for (const root of ['/media', '/mnt', '/Volumes', '/run/media', '/home', '/Users', '/tmp', '/opt']) {
      expect(isUnsafeCleanupRoot(root, context), root).toBe(true)
    }
    for (const root of [
      '/media/ana/CARD',
      '/Volumes/MOTHBOX',
      '/opt/creaturebox/photos',
      '/tmp/cleanup-x1',
    ]) {
      expect(isUnsafeCleanupRoot(root, context), root).toBe(false)
    }
  })

  it('allows the temp folders tests run in, on Linux and macOS', () => {
    expect(isUnsafeCleanupRoot('/tmp/cleanup-abc', { home: '/root' })).toBe(false)
    expect(isUnsafeCleanupRoot('/var/folders/xy/T/cleanup-abc', { home: '/Users/ana' })).toBe(false)
  })

  it('refuses a relative root, which cannot be judged', () => {
    fc.assert(
      fc.property(segments(1, 3), (parts) => {
        expect(unsafeCleanupRootReason(parts.join('/'), context)).toBe('NOT_ABSOLUTE')
      }),
    )
  })

  it('treats only / as a system mount point when none are given', () => {
    expect(isUnsafeCleanupRoot('/')).toBe(true)
    expect(isUnsafeCleanupRoot('/', { home, systemMountpoints: [] })).toBe(true)
    expect(isUnsafeCleanupRoot('/srv/data/card', { home })).toBe(false)
    expect(isUnsafeCleanupRoot('/srv/data/card', { home, systemMountpoints: ['/srv/data/card'] })).toBe(true)
  })
})

describe('backupOverlapsSource', () => {
  it('flags a backup inside the card, the card inside the backup, and the same folder', () => {
    fc.assert(
      fc.property(segments(1, 3), segments(1, 3), (a, b) => {
        const card = `/media/${a.join('/')}`
        expect(backupOverlapsSource(card, `${card}/${b.join('/')}`)).toBe(true)
        expect(backupOverlapsSource(`${card}/${b.join('/')}`, card)).toBe(true)
        expect(backupOverlapsSource(card, `${card}/`)).toBe(true)
        expect(backupOverlapsSource(card, `/backup/${b.join('/')}`)).toBe(false)
      }),
    )
  })

  it('does not mistake a sibling with a common prefix for an overlap', () => {
    expect(backupOverlapsSource('/media/CARD', '/media/CARD-backup')).toBe(false)
  })
})

const hashes = fc.constantFrom('aa', 'bb')
const sizes = fc.constantFrom(1, 2)
const evidence: fc.Arbitrary<CopyEvidence> = fc.record(
  {
    source: fc.record({ size: sizes, hash: hashes }, { requiredKeys: ['size'] }),
    manifest: fc.record({ size: sizes, hash: hashes }),
    backup: fc.record({ size: sizes, hash: hashes }, { requiredKeys: ['size'] }),
    backupIsSource: fc.boolean(),
  },
  { requiredKeys: [] },
)

describe('checkBackupCopy', () => {
  it('allows a deletion exactly when copy, record and card file all agree by size and by hash', () => {
    fc.assert(
      fc.property(evidence, (e) => {
        const { source, manifest, backup } = e
        const verified =
          source !== undefined &&
          manifest !== undefined &&
          backup !== undefined &&
          !e.backupIsSource &&
          source.size === manifest.size &&
          backup.size === manifest.size &&
          source.hash === manifest.hash &&
          backup.hash === manifest.hash
        expect(checkBackupCopy(e).ok).toBe(verified)
      }),
      { numRuns: 2000 },
    )
  })

  it('never allows a deletion before both files were hashed', () => {
    fc.assert(
      fc.property(evidence, (e) => {
        if (e.source?.hash === undefined || e.backup?.hash === undefined)
          expect(checkBackupCopy(e).ok).toBe(false)
      }),
    )
  })

  it('names why a copy does not count', () => {
    const manifest = { size: 3, hash: 'aa' }
    expect(checkBackupCopy({ manifest, backup: { size: 3 } })).toEqual({ ok: false, code: 'SOURCE_MISSING' })
    expect(checkBackupCopy({ source: { size: 3 } })).toEqual({ ok: false, code: 'NOT_BACKED_UP' })
    expect(checkBackupCopy({ source: { size: 3 }, manifest })).toEqual({ ok: false, code: 'BACKUP_MISSING' })
    const both = (source: string, backup: string) =>
      checkBackupCopy({ source: { size: 3, hash: source }, manifest, backup: { size: 3, hash: backup } })
    expect(both('aa', 'bb')).toEqual({ ok: false, code: 'BACKUP_DIFFERS' })
    expect(both('bb', 'aa')).toEqual({ ok: false, code: 'SOURCE_CHANGED' })
    expect(checkBackupCopy({ source: { size: 3 }, manifest, backup: { size: 3 } })).toEqual({
      ok: false,
      code: 'UNHASHED',
    })
  })

  it('reports the most telling refusal of several backups', () => {
    const codes: RefusalCode[] = ['NOT_BACKED_UP', 'BACKUP_DIFFERS', 'BACKUP_MISSING']
    expect(mostTellingRefusal(codes)).toBe('BACKUP_DIFFERS')
    expect(mostTellingRefusal([])).toBe('NOT_BACKED_UP')
  })
})

describe('groupRefusal', () => {
  it('keeps a photo and its sidecars together: one unverified file refuses them all', () => {
    fc.assert(
      fc.property(fc.array(fc.boolean(), { minLength: 1, maxLength: 5 }), (oks) => {
        const verdicts = oks.map((ok, index) => ({
          path: `f${index}`,
          verdict: ok ? ({ ok: true } as const) : ({ ok: false, code: 'NOT_BACKED_UP' } as const),
        }))
        const refusal = groupRefusal(verdicts)
        expect(refusal === undefined).toBe(oks.every(Boolean))
        if (refusal) expect(refusal.path).toBe(`f${oks.indexOf(false)}`)
      }),
    )
  })
})

describe('cleanupCutoff', () => {
  it('is now minus the days kept, on the local wall clock', () => {
    expect(cleanupCutoff(new Date(2024, 9, 15, 10, 30, 5), 30)).toBe('2024-09-15T10:30:05')
    expect(cleanupCutoff(new Date(2024, 2, 1, 0, 0, 0), 1)).toBe('2024-02-29T00:00:00')
    expect(cleanupCutoff(new Date(2024, 2, 1, 0, 0, 0), 0)).toBe('2024-03-01T00:00:00')
  })

  it('keeps exactly the photos captured at or after the cutoff', () => {
    const cutoff = '2024-09-15T10:30:05'
    expect(isCapturedBefore('2024-09-15T10:30:04', cutoff)).toBe(true)
    expect(isCapturedBefore('2024-09-15T10:30:05', cutoff)).toBe(false)
    expect(isCapturedBefore('2023-12-31T23:59:59', cutoff)).toBe(true)
  })
})
