// Resolved from bench/peers/node_modules, which only `npm run bench` installs (bench/lib/peers.ts).
export { postgraphile } from 'postgraphile';
export { PostGraphileAmberPreset } from 'postgraphile/presets/amber';
export { makePgService } from 'postgraphile/adaptors/pg';
export { grafserv } from 'postgraphile/grafserv/node';
