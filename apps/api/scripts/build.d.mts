export declare const apiDir: string;
export declare const distDir: string;
export declare const manifestPath: string;
export declare const ENTRIES: string[];
export declare function assertAscii(dir: string): void;
/** Bundles `entryPoints` (default: the API's main and worker-main) into `into` (default: apps/api/dist). */
export declare function buildApi(options?: {
  log?: (line: string) => void;
  into?: string;
  entryPoints?: Record<string, string>;
}): Promise<void>;
