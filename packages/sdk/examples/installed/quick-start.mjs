// The quick start as a partner runs it, in their own project after `npm install @shopwarden/sdk`:
//
//   SHOPWARDEN_API_KEY=sw_adm_demo… node quick-start.mjs
import { createShopWardenClient, isError, isSuccess } from '@shopwarden/sdk';

const client = createShopWardenClient({
  url: process.env.SHOPWARDEN_URL ?? 'http://localhost:4000/graphql',
  apiKey: process.env.SHOPWARDEN_API_KEY ?? '',
});

const viewer = await client.access.viewer();
console.log(`Signed in as ${viewer?.role}`);

let shops = 0;
for await (const shop of client.shops.paginate({ first: 50 })) {
  shops += 1;
  if (shops <= 3) console.log(`- ${shop.name} [${shop.status}]`);
}
console.log(`${shops} shops in reach`);

// A typed error comes back as a result member, not an exception.
const refused = await client.shops.onboard({ input: { name: '', sites: ['GB'] } });
if (isSuccess(refused)) console.log('onboarded', refused.shop.name);
else if (isError(refused, 'VALIDATION_FAILED')) console.log(`refused: ${refused.fields.map((f) => f.path.join('.'))}`);
else console.log(`refused: ${refused.code}`);
