import { z } from 'zod'

/**
 * The server-side folder browser: `serve` runs on the laptop whose drives a browser page cannot see, so the
 * page asks the companion for folders, limited to the home folder and the removable drives.
 */
export const FolderListingSchema = z.object({
  /** The folder listed; absent for the list of places (home folder and drives). */
  path: z.string().optional(),
  /** Where "up" goes; absent at a place's root (up is then the list of places). */
  parent: z.string().optional(),
  folders: z.array(z.object({ path: z.string(), name: z.string() })),
})
export type FolderListing = z.infer<typeof FolderListingSchema>
