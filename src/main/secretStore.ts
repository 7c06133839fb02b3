import path from 'node:path'
import { app, safeStorage } from 'electron'
import type { BoxSecretStore } from '../core/sources/boxSecrets.js'
import { SessionSecretStore } from '../core/sources/boxSecrets.js'
import { EncryptedSecretStore } from '../core/sources/encryptedSecretStore.js'

/**
 * Box passwords encrypted by the OS keychain through safeStorage. Where Linux has no keyring, safeStorage
 * falls back to a fixed, public key ("basic_text"): that is no protection, so secrets then last only for
 * the session and the UI says they are not remembered.
 */
export function createSecretStore(): BoxSecretStore {
  const weak = process.platform === 'linux' && safeStorage.getSelectedStorageBackend() === 'basic_text'
  if (!safeStorage.isEncryptionAvailable() || weak) return new SessionSecretStore()
  return new EncryptedSecretStore(path.join(app.getPath('userData'), 'box-secrets.json'), {
    encrypt: (plainText) => safeStorage.encryptString(plainText),
    decrypt: (encrypted) => safeStorage.decryptString(encrypted),
  })
}
