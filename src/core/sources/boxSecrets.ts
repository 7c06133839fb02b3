/**
 * Where a box's password or key passphrase is kept: never in settings or logs. The desktop app stores them
 * encrypted with the OS keychain (Electron safeStorage, in src/main); elsewhere they last for the session.
 */
export interface BoxSecretStore {
  /** Whether secrets survive a restart. */
  readonly persistent: boolean
  get(boxId: string): Promise<string | undefined>
  /** `undefined` forgets the secret. */
  set(boxId: string, secret: string | undefined): Promise<void>
}

/** Secrets for this session only (`serve`, tests): held in memory, gone when the process ends. */
export class SessionSecretStore implements BoxSecretStore {
  readonly persistent = false
  private readonly secrets = new Map<string, string>()

  async get(boxId: string): Promise<string | undefined> {
    return this.secrets.get(boxId)
  }

  async set(boxId: string, secret: string | undefined): Promise<void> {
    if (secret === undefined) this.secrets.delete(boxId)
    else this.secrets.set(boxId, secret)
  }
}
