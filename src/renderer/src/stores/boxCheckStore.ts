import { create } from 'zustand'
import { boxRefOf, type HostKeyStatus } from '../../../shared/boxes.js'
import type { CompanionErrorData } from '../../../shared/errors.js'
import type { ConfiguredBox } from '../../../shared/settings.js'
import { callCompanion } from '../bridge/companion.js'
import { useSettingsStore } from './settingsStore.js'

/** Where a box's connection test stands: the host key first (trust on first use), then a real login. */
export type BoxCheck =
  | { step: 'probing' }
  | { step: 'confirm-key'; hostKey: HostKeyStatus }
  | { step: 'key-changed'; hostKey: HostKeyStatus }
  | { step: 'logging-in'; hostKey: HostKeyStatus }
  | { step: 'connected'; hostKey: HostKeyStatus; photos: number }
  | { step: 'failed'; error: CompanionErrorData }

interface BoxCheckState {
  checks: Record<string, BoxCheck>
  test(box: ConfiguredBox): Promise<void>
  /** Pins exactly the fingerprint the user was shown, then logs in. */
  trust(box: ConfiguredBox, hostKey: HostKeyStatus): Promise<void>
  setSecret(boxId: string, secret: string | null): Promise<CompanionErrorData | undefined>
  forget(boxId: string): void
}

export const useBoxCheckStore = create<BoxCheckState>()((set, get) => {
  const put = (boxId: string, check: BoxCheck) =>
    set((state) => ({ checks: { ...state.checks, [boxId]: check } }))
  const logIn = async (box: ConfiguredBox, hostKey: HostKeyStatus) => {
    put(box.id, { step: 'logging-in', hostKey })
    const stats = await callCompanion('storage.stats', { source: boxRefOf(box.id), refresh: true })
    put(
      box.id,
      stats.ok
        ? { step: 'connected', hostKey, photos: stats.value.photos.count }
        : { step: 'failed', error: stats.error },
    )
  }
  return {
    checks: {},
    test: async (box) => {
      put(box.id, { step: 'probing' })
      const probe = await callCompanion('boxes.probeHostKey', { host: box.host, port: box.port })
      if (!probe.ok) return put(box.id, { step: 'failed', error: probe.error })
      const hostKey = probe.value
      if (hostKey.status === 'unknown') return put(box.id, { step: 'confirm-key', hostKey })
      if (hostKey.status !== 'pinned') return put(box.id, { step: 'key-changed', hostKey })
      await logIn(box, hostKey)
    },
    trust: async (box, hostKey) => {
      const trusted = await callCompanion('boxes.trustHostKey', {
        host: box.host,
        port: box.port,
        fingerprint: hostKey.fingerprint,
      })
      if (!trusted.ok) return put(box.id, { step: 'failed', error: trusted.error })
      const settings = useSettingsStore.getState()
      const boxes = settings.settings?.boxes ?? []
      await settings.update({
        boxes: boxes.map((other) =>
          other.id === box.id ? { ...other, hostKeyFingerprint: hostKey.fingerprint } : other,
        ),
      })
      await logIn(box, trusted.value)
    },
    setSecret: async (boxId, secret) => {
      const outcome = await callCompanion('boxes.setSecret', { boxId, secret })
      return outcome.ok ? undefined : outcome.error
    },
    forget: (boxId) => {
      const { [boxId]: _dropped, ...rest } = get().checks
      set({ checks: rest })
    },
  }
})
