// The same client from CommonJS: `require('@shopwarden/sdk')` resolves to dist/cjs.
//
//   SHOPWARDEN_API_KEY=sw_adm_demo… node quick-start.cjs
const { createShopWardenClient } = require('@shopwarden/sdk');

const client = createShopWardenClient({
  url: process.env.SHOPWARDEN_URL ?? 'http://localhost:4000/graphql',
  apiKey: process.env.SHOPWARDEN_API_KEY ?? '',
});

client.access.viewer().then((viewer) => console.log(`Signed in as ${viewer?.role} (CommonJS)`));
