import { describe, expect, it } from 'vitest'
import { RunningBackupCopies } from '../../../src/core/storage/runningBackupCopies.js'

const photo = (path: string, size = 100, mtimeMs = 1_000) => ({ path, size, mtimeMs })

describe("RunningBackupCopies: a running backup's copies offered to the thumbnail maker", () => {
  it('offers nothing without a running backup, nor for a photo the backup does not copy', async () => {
    const copies = new RunningBackupCopies()
    expect(await copies.copyOf(photo('a.jpg'))).toBeUndefined()
    copies.begin([photo('a.jpg')])
    expect(await copies.copyOf(photo('b.jpg'))).toBeUndefined()
  })

  it('offers a copy only of the same version of the photo (size and mtime)', async () => {
    const copies = new RunningBackupCopies()
    const run = copies.begin([photo('a.jpg')])
    expect(await copies.copyOf(photo('a.jpg', 101))).toBeUndefined()
    expect(await copies.copyOf(photo('a.jpg', 100, 2_000))).toBeUndefined()
    const waiting = copies.copyOf(photo('a.jpg'))
    run.settled('a.jpg', '/drive/CARD/a.jpg')
    expect(await waiting).toBe('/drive/CARD/a.jpg')
  })

  it('moves a photo waited for to the front of the queue, unless the backup has started it', () => {
    const copies = new RunningBackupCopies()
    const run = copies.begin([photo('a.jpg'), photo('b.jpg'), photo('c.jpg')])
    void copies.copyOf(photo('b.jpg'))
    void copies.copyOf(photo('c.jpg'))
    expect(run.nextWanted((path) => path === 'b.jpg')).toBe('c.jpg')
    expect(run.nextWanted(() => false)).toBeUndefined()
  })

  it('lets whoever still waits read the card when the backup ends, and remembers what it verified', async () => {
    const copies = new RunningBackupCopies()
    const run = copies.begin([photo('a.jpg'), photo('b.jpg')])
    const a = copies.copyOf(photo('a.jpg'))
    const b = copies.copyOf(photo('b.jpg'))
    run.settled('a.jpg', '/drive/CARD/a.jpg')
    run.end()
    expect(await a).toBe('/drive/CARD/a.jpg')
    expect(await b).toBeUndefined()
    // Ended: the copies it verified are still offered (the Photos screen may ask a moment later), only
    // for the same version of the photo, and forgotten when the next run of the card begins.
    expect(await copies.copyOf(photo('a.jpg'))).toBe('/drive/CARD/a.jpg')
    expect(await copies.copyOf(photo('a.jpg', 100, 2_000))).toBeUndefined()
    expect(await copies.copyOf(photo('b.jpg'))).toBeUndefined()
    copies.begin([])
    expect(await copies.copyOf(photo('a.jpg'))).toBeUndefined()
  })
})
