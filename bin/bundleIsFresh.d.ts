/** See bundleIsFresh.js. */
export declare function bundleIsFresh(root: string, bundle: string): boolean
