import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { wallClockOf } from '../../src/shared/night.js'
import { isPhotoFile, parsePhotoName, sidecarPhotoOf } from '../../src/shared/photoName.js'

describe('parsePhotoName', () => {
  it('reads device, time and HDR position from a Mothbox name', () => {
    expect(parsePhotoName('adeptTurca_2024_09_02__02_40_18_HDR0.jpg')).toEqual({
      deviceName: 'adeptTurca',
      capturedAt: '2024-09-02T02:40:18',
      series: { kind: 'HDR', index: 0 },
      manualFocus: false,
    })
  })

  it('recognises manual-focus shots and focus brackets', () => {
    expect(parsePhotoName('ManFocus_adeptTurca_2024_09_02__02_40_18_HDR2.jpg')).toEqual({
      deviceName: 'adeptTurca',
      capturedAt: '2024-09-02T02:40:18',
      series: { kind: 'HDR', index: 2 },
      manualFocus: true,
    })
    expect(parsePhotoName('mothbox-d_2024_09_02__02_40_18_FB12.JPG')?.series).toEqual({
      kind: 'FB',
      index: 12,
    })
  })

  it('reads the ISO-like style and ignores its UTC offset', () => {
    expect(parsePhotoName('superDorada_2026-08-12T03-37-06-07-00_HDR1.jpg')).toEqual({
      deviceName: 'superDorada',
      capturedAt: '2026-08-12T03:37:06',
      series: { kind: 'HDR', index: 1 },
      manualFocus: false,
    })
    expect(parsePhotoName('superDorada_2026-08-12T03-37-06+0530_x.jpg')?.capturedAt).toBe(
      '2026-08-12T03:37:06',
    )
    expect(parsePhotoName('superDorada_2026-08-12T03-37-06.jpg')?.capturedAt).toBe('2026-08-12T03:37:06')
  })

  it('parses a name without series suffix, any photo extension, and a path', () => {
    expect(parsePhotoName('adeptTurca_2024_09_02__02_40_18.jpeg')).toEqual({
      deviceName: 'adeptTurca',
      capturedAt: '2024-09-02T02:40:18',
      manualFocus: false,
    })
    expect(parsePhotoName('photos/2024-09-02/adeptTurca_2024_09_02__02_40_18_HDR0.dng')?.deviceName).toBe(
      'adeptTurca',
    )
    expect(parsePhotoName('adeptTurca_2024_09_02__02_40_18_preview.png')?.series).toBeUndefined()
  })

  it('rejects impossible dates and times', () => {
    expect(parsePhotoName('adeptTurca_2024_13_02__02_40_18_HDR0.jpg')).toBeUndefined()
    expect(parsePhotoName('adeptTurca_2024_02_30__02_40_18_HDR0.jpg')).toBeUndefined()
    expect(parsePhotoName('adeptTurca_2023_02_29__02_40_18_HDR0.jpg')).toBeUndefined()
    expect(parsePhotoName('adeptTurca_2024_09_02__24_00_00_HDR0.jpg')).toBeUndefined()
    expect(parsePhotoName('superDorada_2026-08-12T03-61-06-07-00_HDR1.jpg')).toBeUndefined()
  })

  it('does not recognise names that are not a box’s', () => {
    for (const name of [
      'IMG_0001.jpg',
      'Polilla nocturna – été 01.jpg',
      '2024_09_02__02_40_18_HDR0.jpg',
      'adeptTurca_2024_09_02_02_40_18_HDR0.jpg',
      'adeptTurca_2024_09_02__02_40_18_HDR0.jpg.json',
      'adeptTurca_2024_09_02__02_40_18_HDR0.txt',
      'camera_settings.csv',
      '',
    ]) {
      expect(parsePhotoName(name), name).toBeUndefined()
    }
  })

  it('reads back every name a box can write', () => {
    const device = fc.stringMatching(/^[a-z][a-zA-Z0-9]{0,15}$/)
    const moment = fc
      .tuple(
        fc.integer({ min: 2000, max: 2099 }),
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 31 }),
        fc.integer({ min: 0, max: 23 }),
        fc.integer({ min: 0, max: 59 }),
        fc.integer({ min: 0, max: 59 }),
      )
      .filter((parts) => wallClockOf(...parts) !== undefined)
    fc.assert(
      fc.property(
        device,
        moment,
        fc.boolean(),
        fc.constantFrom('HDR', 'FB'),
        fc.nat(9),
        (name, parts, manual, kind, index) => {
          const [y, mo, d, h, mi, s] = parts.map((part) => String(part).padStart(2, '0'))
          const fileName = `${manual ? 'ManFocus_' : ''}${name}_${y}_${mo}_${d}__${h}_${mi}_${s}_${kind}${index}.jpg`
          expect(parsePhotoName(fileName)).toEqual({
            deviceName: name,
            capturedAt: wallClockOf(...parts),
            series: { kind, index },
            manualFocus: manual,
          })
        },
      ),
    )
  })
})

describe('isPhotoFile', () => {
  it('accepts the image types a box writes, in any case', () => {
    for (const name of ['a.jpg', 'a.JPG', 'a.jpeg', 'a.Jpeg', 'a.png', 'a.PNG', 'a.dng', 'dir/a.DNG']) {
      expect(isPhotoFile(name), name).toBe(true)
    }
  })

  it('refuses sidecars, settings, other types and macOS resource forks', () => {
    for (const name of [
      'a.jpg.json',
      'camera_settings.csv',
      'controls.txt',
      'a.tif',
      'jpg',
      '._a.jpg',
      'x/._a.JPG',
    ]) {
      expect(isPhotoFile(name), name).toBe(false)
    }
  })
})

describe('sidecarPhotoOf', () => {
  it('names the photo a sidecar travels with', () => {
    expect(sidecarPhotoOf('x_HDR0.jpg.json')).toBe('x_HDR0.jpg')
    expect(sidecarPhotoOf('photos/2024-09-01/x_HDR0.JPG.JSON')).toBe('photos/2024-09-01/x_HDR0.JPG')
  })

  it('says no for JSON that belongs to no photo', () => {
    expect(sidecarPhotoOf('x.json')).toBeUndefined()
    expect(sidecarPhotoOf('settings.csv.json')).toBeUndefined()
    expect(sidecarPhotoOf('x.jpg')).toBeUndefined()
  })
})
