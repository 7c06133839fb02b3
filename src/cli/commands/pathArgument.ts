import { InvalidArgumentError } from 'commander'

/**
 * A card, folder or drive named on the command line. An empty or blank one is refused as a usage error:
 * path.resolve('') is the working folder, so `backup "$CARD" --to "$DRIVE"` with an unset variable would back
 * up, clean or reorganise whatever folder the shell happens to be in.
 */
export function pathArgument(value: string): string {
  if (value.trim() === '') {
    throw new InvalidArgumentError(
      'the path is empty; name the card, folder or drive (use . for this folder)',
    )
  }
  return value
}

/** For an option given once per path (`--to A --to B`). */
export const collectPaths = (value: string, previous: string[] = []): string[] => [
  ...previous,
  pathArgument(value),
]
