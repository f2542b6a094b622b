import { canonicalJson } from 'src/common/canonical-json';

describe('canonicalJson', () => {
  it('ignores key order', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { z: 1, y: 2 }], c: null } })).toBe('{"a":{"c":null,"d":[1,{"y":2,"z":1}]},"b":1}');
  });

  it('writes canonical JSON', () => {
    expect(canonicalJson({ z: null, a: 'é', m: [true, { y: 1, x: 2 }] })).toBe('{"a":"é","m":[true,{"x":2,"y":1}],"z":null}');
  });

  it('serialises what JSON.stringify would, in key order: undefined fields dropped, undefined items null, dates as ISO', () => {
    const value = { when: new Date('2026-01-02T10:00:00.000Z'), gone: undefined, list: [undefined, 'x'] };
    expect(canonicalJson(value)).toBe('{"list":[null,"x"],"when":"2026-01-02T10:00:00.000Z"}');
    expect(JSON.parse(canonicalJson(value))).toEqual(JSON.parse(JSON.stringify(value)));
  });
});
