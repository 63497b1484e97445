// Loose types: the peers are not installed when the workspace is typechecked.
/* eslint-disable @typescript-eslint/no-explicit-any */
export declare const postgraphile: (preset: any) => any;
export declare const PostGraphileAmberPreset: any;
export declare const makePgService: (options: any) => any;
export declare const grafserv: any;
