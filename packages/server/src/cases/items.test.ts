import { describe, expect, it } from 'vitest';
import { normaliseUrl, validateItem } from './items.ts';

const PDQ = 'd8f8f0cee0f4a84f0637022a078f67f0b36e2ed596621e1d33e6339c4e9c9b22';
const MD5 = '9108849f0d0bb6d3c40844f4eb72767b';

describe('normaliseUrl', () => {
  it.each([
    ['https://Example.COM/a?b=1#frag', 'https://example.com/a?b=1', 'example.com'],
    ['example.com/path', 'https://example.com/path', 'example.com'],
    ['  http://user:pw@example.org:80/x  ', 'http://example.org/x', 'example.org'],
    ['https://bücher.example/p', 'https://xn--bcher-kva.example/p', 'xn--bcher-kva.example'],
    ['https://93.184.216.34/img.jpg', 'https://93.184.216.34/img.jpg', '93.184.216.34'],
    ['http://[2606:2800:220:1:248:1893:25c8:1946]/x', 'http://[2606:2800:220:1:248:1893:25c8:1946]/x', '[2606:2800:220:1:248:1893:25c8:1946]'],
    // An IPv4-mapped address is judged by its IPv4 address, here a public one.
    ['http://[::ffff:93.184.216.34]/x', 'http://[::ffff:5db8:d822]/x', '[::ffff:5db8:d822]'],
  ])('normalises %s', (input, url, host) => {
    expect(normaliseUrl(input)).toEqual({ ok: true, url, host });
  });

  it.each([
    '',
    'javascript:alert(1)',
    'ftp://example.com/x',
    'data:text/html,hi',
    'https://',
    'http://exa mple.com',
    `https://example.com/${'a'.repeat(2100)}`,
    // control characters in the host, raw or percent-encoded: a clean refusal, never an exception
    'http://exa\u0000mple.com/',
    '\u0000http://example.com/',
    'http://example.com\u0000/x',
    'http://exa%00mple.com/',
    'http://exa%0Ample.com/',
    'http://exa%7Fmple.com/',
    'http://exa\u0085mple.com/',
    'http://exa%C2%85mple.com/',
    'http://exa\u202emple.com/',
    'http://[::1%00]/',
    'http://[fe80::1%25eth0]/',
  ])(
    'refuses malformed %j',
    (input) => {
      expect(normaliseUrl(input)).toEqual({ ok: false, reason: 'malformed_url' });
    },
  );

  it.each([
    'http://localhost/x',
    'http://127.0.0.1/x',
    'http://2130706433/x',
    'http://10.1.2.3/',
    'http://192.168.1.1/',
    'http://172.20.0.1/',
    'http://169.254.169.254/latest/meta-data',
    'http://[::1]/',
    'http://[::ffff:127.0.0.1]/',
    'http://[fd00::1]/',
    // every spelling the URL parser turns into a special-purpose address
    'http://0x7f.1/',
    'http://017700000001/',
    'http://127.1/',
    'http://%31%32%37.0.0.1/',
    'http://１２７.０.０.１/',
    'http://0/',
    'http://255.255.255.255/',
    'http://100.64.0.1/',
    'http://198.18.0.1/',
    'http://192.0.0.170/',
    'http://[::]/',
    'http://[::127.0.0.1]/x',
    'http://[::ffff:0:7f00:1]/',
    'http://[::ffff:0:127.0.0.1]/',
    'http://[0:0:0:0:0:ffff:7f00:1]/',
    'http://[::FFFF:7F00:0001]/',
    'http://[::ffff:a9fe:a9fe]/latest/meta-data',
    'http://[64:ff9b::a00:1]/',
    'http://[64:ff9b:1::1]/',
    'http://[2002:c0a8:101::1]/',
    'http://[2001::1]/',
    'http://[2001:db8::1]/',
    'http://[3fff::1]/',
    'http://[100::1]/',
    'http://[fec0::1]/',
    'http://[FE80::1]/',
    'http://[ff02::1]/',
    'http://printer.local/',
    'http://intranet/',
  ])('refuses non-public %s', (input) => {
    expect(normaliseUrl(input)).toEqual({ ok: false, reason: 'url_not_public' });
  });
});

describe('validateItem', () => {
  it('accepts a photo with a good PDQ and folds hex case', () => {
    const result = validateItem({ type: 'photo', pdq: PDQ.toUpperCase(), quality: 90, md5: MD5 });
    expect(result.ok && result.draft.signals).toEqual([
      { signalType: 'pdq', value: PDQ, quality: 90, verified: false },
      { signalType: 'md5', value: MD5, quality: null, verified: false },
    ]);
  });

  it.each([
    [{ type: 'photo', pdq: PDQ.slice(1), quality: 90 }, 'malformed_pdq'],
    [{ type: 'photo', pdq: PDQ, quality: 49 }, 'low_quality'],
    [{ type: 'photo', pdq: PDQ, quality: 101 }, 'malformed_item'],
    [{ type: 'photo', pdq: PDQ, quality: 90, md5: 'xyz' }, 'malformed_md5'],
    [{ type: 'photo', pdq: PDQ, quality: 90, extra: 1 }, 'malformed_item'],
    [{ type: 'video', md5: MD5, vpdq: [] }, 'malformed_vpdq'],
    [{ type: 'video', md5: MD5, vpdq: [{ frame: 0, quality: 20, pdq: PDQ, timestamp: 0 }] }, 'low_quality'],
    [{ type: 'video', md5: MD5, vpdq: [{ frame: 0, quality: 90, pdq: 'zz', timestamp: 0 }] }, 'malformed_vpdq'],
    [{ type: 'video', md5: 'nope', vpdq: [{ frame: 0, quality: 90, pdq: PDQ, timestamp: 0 }] }, 'malformed_md5'],
    [{ type: 'url', url: 'ftp://x.org' }, 'malformed_url'],
    [{ type: 'sound', data: 1 }, 'malformed_item'],
    ['a string', 'malformed_item'],
    [null, 'malformed_item'],
  ])('refuses %j with %s', (item, reason) => {
    expect(validateItem(item)).toEqual({ ok: false, reason });
  });

  it('stores a video as canonical vPDQ lines, in frame order, plus its MD5', () => {
    const result = validateItem({
      type: 'video',
      md5: MD5,
      vpdq: [
        { frame: 30, quality: 100, pdq: PDQ, timestamp: 1 },
        { frame: 0, quality: 90, pdq: PDQ, timestamp: 0 },
      ],
    });
    expect(result.ok && result.draft.signals.map((s) => [s.signalType, s.value])).toEqual([
      ['vpdq', `0,90,${PDQ},0.000\n30,100,${PDQ},1.000`],
      ['md5', MD5],
    ]);
  });
});
