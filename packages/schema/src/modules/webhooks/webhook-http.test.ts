import { describe, expect, it } from 'vitest';
import { checkEndpointUrl } from './webhook-endpoint.service.ts';
import { retryDelayMs, RETRY_SCHEDULE_MS } from './webhook-delivery.service.ts';
import { configureWebhookDelivery, isPublicAddress, postWebhook } from './webhook-http.ts';
import { webhookBody, MAX_PAYLOAD_BYTES } from './webhook-payload.ts';

describe('SSRF protection', () => {
  it('accepts only public unicast addresses', () => {
    for (const address of ['8.8.8.8', '151.101.1.69', '2606:4700:4700::1111'])
      expect(isPublicAddress(address)).toBe(true);
    for (const address of [
      '127.0.0.1',
      '10.1.2.3',
      '172.16.0.1',
      '192.168.1.1',
      '169.254.169.254',
      '100.64.0.1',
      '0.0.0.0',
      '224.0.0.1',
      '::1',
      '::',
      'fe80::1',
      'fd00::1',
      '::ffff:127.0.0.1',
      '::ffff:169.254.169.254',
      'not-an-ip',
    ])
      expect(isPublicAddress(address), address).toBe(false);
  });

  it('refuses http:// except to loopback outside production, and private literals in production', () => {
    expect(checkEndpointUrl('https://hooks.example.com/a', true)).toBeNull();
    expect(checkEndpointUrl('http://127.0.0.1:8080/a', false)).toBeNull();
    expect(checkEndpointUrl('http://localhost/a', false)).toBeNull();
    expect(checkEndpointUrl('http://[::1]:9/a', false)).toBeNull();
    expect(checkEndpointUrl('http://127.0.0.1/a', true)).toMatch(/https/);
    expect(checkEndpointUrl('http://example.com/a', false)).toMatch(/https/);
    expect(checkEndpointUrl('https://169.254.169.254/latest', true)).toMatch(/private/);
    expect(checkEndpointUrl('https://[fd00::1]/x', true)).toMatch(/private/);
    expect(checkEndpointUrl('https://localhost/x', true)).toMatch(/private/);
    expect(checkEndpointUrl('https://10.0.0.1/x', false)).toBeNull();
  });

  it('does not connect to a blocked address at delivery', async () => {
    configureWebhookDelivery({ allowPrivateNetworks: false });
    const literal = await postWebhook('http://169.254.169.254/latest/meta-data', {}, '{}');
    expect(literal).toMatchObject({ statusCode: null, error: expect.stringMatching(/not a public address/) });
    const named = await postWebhook('http://localhost:9/x', {}, '{}');
    expect(named).toMatchObject({ statusCode: null, error: expect.stringMatching(/not a public address/) });
  });
});

describe('retry schedule', () => {
  it('spans about 4 hours over 8 attempts, jittered by at most 10 %', () => {
    expect(RETRY_SCHEDULE_MS).toHaveLength(7);
    const total = RETRY_SCHEDULE_MS.reduce((a, b) => a + b, 0);
    expect(total / 3_600_000).toBeCloseTo(3.85, 1);
    expect(retryDelayMs(1, 0)).toBe(9_000);
    expect(retryDelayMs(1, 1)).toBe(11_000);
    expect(retryDelayMs(7, 0.5)).toBe(7_200_000);
  });
});

describe('payload', () => {
  it('carries only the ids above 256 KB', () => {
    const event = {
      id: 7,
      type: 'listing.updated',
      shopId: 1,
      subjectType: 'Listing',
      subjectId: '5',
      occurredAt: new Date(0),
    };
    const small = JSON.parse(webhookBody({ ...event, payload: { version: 2 } }));
    expect(small).toEqual({
      id: 'evt_7',
      type: 'listing.updated',
      timestamp: '1970-01-01T00:00:00.000Z',
      shopId: 'U2hvcDox',
      data: { subject: { type: 'Listing', id: 'TGlzdGluZzo1' }, version: 2 },
    });
    const big = webhookBody({ ...event, payload: { blob: 'x'.repeat(MAX_PAYLOAD_BYTES) } });
    expect(JSON.parse(big).data).toEqual({ subject: { type: 'Listing', id: 'TGlzdGluZzo1' }, truncated: true });
  });
});

describe('event catalogue', () => {
  it('documents every event type in docs/webhooks.md, and every type the modules write is catalogued', async () => {
    const { readFileSync, readdirSync } = await import('node:fs');
    const { eventCatalogue } = await import('./event-catalogue.ts');
    const docs = readFileSync(new URL('../../../../../docs/webhooks.md', import.meta.url), 'utf8');
    for (const type of Object.keys(eventCatalogue)) expect(docs, type).toContain(`| \`${type}\` |`);
    const modules = new URL('../', import.meta.url);
    const written = new Set<string>();
    for (const dir of readdirSync(modules))
      for (const file of readdirSync(new URL(`${dir}/`, modules)))
        if (file.endsWith('.ts') && !file.endsWith('.test.ts'))
          for (const m of readFileSync(new URL(`${dir}/${file}`, modules), 'utf8').matchAll(
            /(?:type: |'|`)((?:[a-z_]+)\.(?:[a-z_]+|\$\{verb\}))['`]/g,
          ))
            written.add(m[1]!);
    const outboxTypes = [...written].filter((t) =>
      /^(listing|shop|violation|registration|partnership|creator|content_item|restricted_approval|category_exception|quiz|auto_assignment|bulk_operation|webhook_endpoint)\./.test(
        t,
      ),
    );
    expect(outboxTypes.length).toBeGreaterThan(15);
    for (const type of outboxTypes) if (!type.includes('${')) expect(Object.keys(eventCatalogue), type).toContain(type);
  });
});
