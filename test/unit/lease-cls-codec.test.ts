import { execFileSync } from 'node:child_process'
import { describe, expect, it } from 'vitest'
import { LEASE_CLS_CODEC } from '../../src/main/core/lease/lease-session-program'
import { parseSessionList } from '../../src/main/core/lease/cluster-lease'

/**
 * The lease session's cls_lock codec (lease-session-program.ts), run by the same python3 as on the
 * hosts (struct only: no rados needed here), against Ceph's wire format: requests laid out by hand
 * from src/cls/lock/cls_lock_ops.h (ENCODE_START(1, 1): version, compat, u32 length; strings as u32
 * length + bytes; utime_t as u32 seconds + u32 nanoseconds; entity_name_t as u8 type + i64 number),
 * and replies as the lab's Pacific 16.2.15 OSD sent them (captured with the binding's execute).
 */
function python(code: string): unknown {
  const script = `${LEASE_CLS_CODEC}\nimport json, binascii\n${code}`
  return JSON.parse(execFileSync('/usr/bin/python3', ['-c', script], { encoding: 'utf8' }))
}

const hex = (...parts: string[]) => parts.join('')
/** A little-endian u32 as hex. */
const u32 = (n: number) => Buffer.from(Uint32Array.of(n).buffer).toString('hex')
const str = (text: string) => u32(Buffer.byteLength(text)) + Buffer.from(text).toString('hex')
const struct1 = (body: string) => `0101${u32(body.length / 2)}${body}`

// list_locks of the lab's hyperdesk.lease: two names.
const LIST_REPLY = struct1(
  u32(2) + str('vm:1ab0c0de-0000-4000-8000-000000000001') + str('image:libvirt-ssd/labvm1'),
)
// get_info of a name held by client.4696 (cookie "ca", description "clean", until 1796496252.201 s,
// from 10.77.0.2 nonce 3960020140), exclusive, tag "hyperdesk": bytes as the lab's OSD sent them.
const INFO_HELD =
  '0101610000000100000001010f0000000858120000000000000200000063610101340000007c5b146b788c000c0101011c' +
  '00000001000000ac1c09ec10000000020000000a4d0002000000000000000005000000636c65616e010900000068797065726465736b'
// get_info of a released name: no locker, the entry still there (what clean removes).
const INFO_RELEASED = '01011200000000000000010900000068797065726465736b'

describe('lease session cls_lock codec', () => {
  it('encodes lock, unlock, break_lock and get_info requests as cls_lock_ops.h lays them out', () => {
    const encoded = python(`
req = {"name": "vm:x", "cookie": "c1", "tag": "hyperdesk", "desc": "d", "duration": 30, "locker": "client.4696"}
print(json.dumps({
  "take": binascii.hexlify(lock(req, 0)).decode(),
  "renew": binascii.hexlify(lock(req, MUST_RENEW)).decode(),
  "unlock": binascii.hexlify(unlock(req)).decode(),
  "break": binascii.hexlify(break_lock(req)).decode(),
  "info": binascii.hexlify(get_info("vm:x")).decode(),
}))`) as Record<string, string>
    // cls_lock_lock_op: name, type (1 exclusive), cookie, tag, description, duration, flags.
    const lockOp = (flags: string) =>
      struct1(hex(str('vm:x'), '01', str('c1'), str('hyperdesk'), str('d'), u32(30), u32(0), flags))
    expect(encoded['take']).toBe(lockOp('00'))
    expect(encoded['renew']).toBe(lockOp('02'))
    // cls_lock_unlock_op: name, cookie.
    expect(encoded['unlock']).toBe(struct1(str('vm:x') + str('c1')))
    // cls_lock_break_op: name, locker (entity_name_t: 8 = client, i64 4696), cookie.
    expect(encoded['break']).toBe(struct1(hex(str('vm:x'), '08', '5812000000000000', str('c1'))))
    // cls_lock_get_info_op: name.
    expect(encoded['info']).toBe(struct1(str('vm:x')))
  })

  it('decodes list_locks and get_info replies as the OSD sends them', () => {
    const decoded = python(`
print(json.dumps({
  "names": decode_list(binascii.unhexlify("${LIST_REPLY}")),
  "held": decode_info(binascii.unhexlify("${INFO_HELD}")),
  "released": decode_info(binascii.unhexlify("${INFO_RELEASED}")),
}))`) as { names: string[]; held: unknown[]; released: unknown[] }
    expect(decoded.names).toEqual(['vm:1ab0c0de-0000-4000-8000-000000000001', 'image:libvirt-ssd/labvm1'])
    expect(decoded.released).toEqual([])
    expect(decoded.held).toEqual([
      {
        locker: 'client.4696',
        cookie: 'ca',
        description: 'clean',
        addr: '10.77.0.2:0/3960020140',
        expiration: 1796496252201,
      },
    ])
    // As the lease reads it: the same fields as `rados lock info --format json` gives.
    expect(parseSessionList([{ name: 'vm:x', lockers: decoded.held }])).toEqual([
      {
        name: 'vm:x',
        lockers: [
          {
            name: 'client.4696',
            cookie: 'ca',
            description: 'clean',
            expiration: '1796496252.201',
            addr: '10.77.0.2:0/3960020140',
          },
        ],
      },
    ])
  })
})
