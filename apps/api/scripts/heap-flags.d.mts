export declare const DEFAULT_HEAP_MB: number;
/** `--max-old-space-size` from SHOPWARDEN_HEAP_MB (default DEFAULT_HEAP_MB; 0: none), none when NODE_OPTIONS or `execArgv` sets it. */
export declare function heapFlags(env?: NodeJS.ProcessEnv, execArgv?: readonly string[]): string[];
