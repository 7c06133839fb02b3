import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { dispatchCommand, type CommandHandlers } from '../../../src/core/dispatch.js'
import { applySettingsPatch, defaultSettings, type Settings } from '../../../src/shared/settings.js'

const LISTS = ['folders', 'destinations', 'boxes'] as const
const PREFERENCES = ['theme', 'daysToKeep', 'organizeBy', 'verifyBackups'] as const

const somePath = fc.constantFrom('/media/BACKUP', '/media/BACKUP2', 'D:\\photos', '/data/cards/A', '/x')
const someBox = fc.record(
  {
    id: fc.uuid(),
    name: fc.constantFrom('Ridge box', 'Pond'),
    host: fc.constantFrom('10.42.0.1', 'creaturebox.local'),
    username: fc.constantFrom('pi', 'field'),
    port: fc.integer({ min: 1, max: 65535 }),
  },
  { requiredKeys: ['id', 'name', 'host', 'username'] },
)
/** What the UI sends: any subset of the fields, each key either present with a value or absent. */
const somePatch = fc.record(
  {
    folders: fc.array(somePath, { maxLength: 4 }),
    destinations: fc.array(somePath, { maxLength: 4 }),
    boxes: fc.array(someBox, { maxLength: 2 }),
    preferences: fc.record(
      {
        theme: fc.constantFrom('system', 'light', 'dark'),
        daysToKeep: fc.nat({ max: 400 }),
        organizeBy: fc.constantFrom('date', 'night'),
        verifyBackups: fc.boolean(),
      },
      { requiredKeys: [] },
    ),
  },
  { requiredKeys: [] },
)

describe('settings.update', () => {
  it('changes exactly what a patch names, through any sequence of patches', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(somePatch, { minLength: 1, maxLength: 8 }), async (patches) => {
        let settings: Settings = defaultSettings()
        // The real path: the contract's schema validates the raw input, then the store applies it.
        const handlers = {
          'settings.update': async (patch: Parameters<typeof applySettingsPatch>[1]) =>
            (settings = applySettingsPatch(settings, patch)),
        } as unknown as CommandHandlers
        for (const patch of patches) {
          const before = settings
          // Over HTTP the patch arrives as JSON.
          const outcome = await dispatchCommand(
            handlers,
            'settings.update',
            JSON.parse(JSON.stringify(patch)),
          )
          expect(outcome.ok).toBe(true)
          for (const list of LISTS) {
            const named: unknown[] | undefined = patch[list]
            // Path lists drop repeats; boxes are taken as given.
            const expected =
              named === undefined ? before[list] : list === 'boxes' ? named : [...new Set(named)]
            expect(settings[list], list).toMatchObject(expected)
            expect(settings[list]).toHaveLength(expected.length)
          }
          for (const preference of PREFERENCES) {
            const named = patch.preferences?.[preference]
            expect(settings.preferences[preference], preference).toBe(
              named === undefined ? before.preferences[preference] : named,
            )
          }
        }
      }),
      { numRuns: 300 },
    )
  })
})
