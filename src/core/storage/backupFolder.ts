/**
 * The folder that holds one card's copy on a destination: `<device>_<volume label>`, so two boxes or two
 * cards of one box never mix (camera-trap tools think in deployments: one card of one camera).
 * Sanitised for FAT, exFAT, NTFS and ext4 alike, since backup drives are often formatted on Windows.
 */
export function cardFolderName(deviceName: string | undefined, volumeLabel: string | undefined): string {
  const parts = [deviceName, volumeLabel].map((part) => sanitise(part ?? '')).filter(Boolean)
  return parts.length > 0 ? parts.join('_') : 'card'
}

function sanitise(name: string): string {
  return (
    name
      // eslint-disable-next-line no-control-regex -- control characters are exactly what must go
      .replace(/[/\\:*?"<>|\u0000-\u001f]/g, '-')
      .replace(/[. ]+$/, '')
      .trim()
      .slice(0, 100)
  )
}
