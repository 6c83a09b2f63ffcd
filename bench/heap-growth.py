#!/usr/bin/env python3
"""Where the heap grew between two HPROF dumps (issue 15's heap per held session), offline, no dependencies.

Every object is named by its class and the chain of its referrers (the first referrer found, preferring one
that is not a GC root, DEPTH deep: `byte[] < String.value < HeadersMultiMap$MapEntry.value < ...`); the bytes of
each chain are summed in both dumps and the growth per unit (session, subscription) printed, largest first.
Sizes are shallow and estimated for compressed oops (12-byte headers, 4-byte references, 8-byte alignment);
their total comes within a few percent of `jcmd GC.class_histogram`'s.

Usage: bench/heap-growth.py BEFORE.hprof HELD.hprof UNITS [DEPTH, default 6] [ROWS, default 60]
Dumps: HEAP_DUMP=/tmp/x.hprof bench/run-sessions.sh 200 20 (or run-subscriptions.sh) writes x-before.hprof,
x.hprof (held) and x-after.hprof.
"""
import collections
import struct
import sys
def load(path):
    data = open(path, 'rb').read()
    p = data.index(b'\0') + 1
    ids = struct.unpack('>I', data[p:p+4])[0]; p += 12
    assert ids == 8
    strings = {}; classname = {}
    classes = {}  # id -> (super, [ (name, type) ] instance fields, statics refs)
    objclass = {}  # obj id -> class id (or ('arr', name))
    size = {}
    refs = {}  # obj -> list of (target, fieldname)
    roots = set()
    TS = {2: 8, 4: 1, 5: 2, 6: 4, 7: 8, 8: 1, 9: 2, 10: 4, 11: 8}
    PRIM = {4: 'boolean[]', 5: 'char[]', 6: 'float[]', 7: 'double[]', 8: 'byte[]', 9: 'short[]', 10: 'int[]', 11: 'long[]'}
    PSZ = {4: 1, 5: 2, 6: 4, 7: 8, 8: 1, 9: 2, 10: 4, 11: 8}
    u4 = lambda q: struct.unpack_from('>I', data, q)[0]
    u8 = lambda q: struct.unpack_from('>Q', data, q)[0]
    inst_raw = []
    n = len(data)
    while p < n:
        tag = data[p]; ln = u4(p + 5); body = p + 9; p = body + ln
        if tag == 0x01:
            strings[u8(body)] = data[body+8:body+ln].decode('utf8', 'replace')
        elif tag == 0x02:
            classname[u8(body+4)] = strings.get(u8(body+16), '?').replace('/', '.')
        elif tag in (0x0C, 0x1C):
            q = body
            while q < p:
                st = data[q]; q += 1
                if st == 0xFF: roots.add(u8(q)); q += 8
                elif st == 0x01: roots.add(u8(q)); q += 16
                elif st in (0x02, 0x03, 0x08): roots.add(u8(q)); q += 16
                elif st in (0x04, 0x06): roots.add(u8(q)); q += 12
                elif st in (0x05, 0x07): roots.add(u8(q)); q += 8
                elif st == 0x20:
                    cid = u8(q); sup = u8(q+12); q += 7*8 + 4
                    isz = u4(q); q += 4
                    cp = struct.unpack_from('>H', data, q)[0]; q += 2
                    for _ in range(cp):
                        t = data[q+2]; q += 3 + TS[t]
                    sc = struct.unpack_from('>H', data, q)[0]; q += 2
                    srefs = []
                    for _ in range(sc):
                        nm = u8(q); t = data[q+8]; q += 9
                        if t == 2:
                            v = u8(q)
                            if v: srefs.append((v, 'static ' + strings.get(nm, '?')))
                        q += TS[t]
                    fc = struct.unpack_from('>H', data, q)[0]; q += 2
                    flds = []
                    for _ in range(fc):
                        flds.append((strings.get(u8(q), '?'), data[q+8])); q += 9
                    classes[cid] = (sup, flds, srefs, isz)
                    roots.add(cid)
                elif st == 0x21:
                    oid = u8(q); cid = u8(q+12); nb = u4(q+20)
                    inst_raw.append((oid, cid, q+24, nb))
                    q += 24 + nb
                elif st == 0x22:
                    oid = u8(q); cnt = u4(q+12); acid = u8(q+16)
                    objclass[oid] = acid
                    size[oid] = 16 + ((4*cnt + 7) // 8) * 8
                    r = []
                    for i in range(cnt):
                        v = u8(q+24+8*i)
                        if v: r.append((v, '[]'))
                    refs[oid] = r
                    q += 24 + 8*cnt
                elif st == 0x23:
                    oid = u8(q); cnt = u4(q+12); t = data[q+16]
                    objclass[oid] = PRIM[t]
                    size[oid] = 16 + ((PSZ[t]*cnt + 7) // 8) * 8
                    q += 17 + PSZ[t]*cnt
                else:
                    raise Exception('subtag %x at %d' % (st, q))
    # instance field layouts
    layout = {}
    def lay(cid):
        if cid in layout: return layout[cid]
        out = []; c = cid
        while c and c in classes:
            out.extend(classes[c][1]); c = classes[c][0]
        layout[cid] = out; return out
    for oid, cid, q, nb in inst_raw:
        objclass[oid] = cid
        r = []; isz = 12
        for nm, t in lay(cid):
            if t == 2:
                v = u8(q)
                if v: r.append((v, nm))
                isz += 4
            else:
                isz += TS[t]
            q += TS[t]
        size[oid] = ((isz + 7) // 8) * 8
        refs[oid] = r
    for cid, (sup, flds, srefs, isz) in classes.items():
        refs[cid] = srefs
    names = {}
    for oid, c in objclass.items():
        if isinstance(c, str): names[oid] = c
        else:
            nm = classname.get(c, '?')
            if nm.startswith('['):
                nm = {'[Ljava.lang.Object;': 'Object[]'}.get(nm, nm)
            names[oid] = nm
    for cid in classes:
        names[cid] = 'class ' + classname.get(cid, '?')
    return names, size, refs, roots


def chains(path, depth):
    names, size, refs, roots = load(path)
    back = {}
    for obj, targets in refs.items():
        for target, field in targets:
            if target not in back or back[target][0] in roots and not names.get(back[target][0], "").startswith("class "):
                back[target] = (obj, field)
    total = collections.Counter()
    count = collections.Counter()
    for obj, cls in names.items():
        if cls.startswith("class "):
            continue
        chain = [cls.split(".")[-1]]
        at, seen = obj, {obj}
        for _ in range(depth):
            step = back.get(at)
            if not step:
                break
            at, field = step
            if at in seen:
                break
            seen.add(at)
            chain.append(names.get(at, "?").split(".")[-1] + "." + field)
        key = " < ".join(chain)
        total[key] += size.get(obj, 0)
        count[key] += 1
    return total, count


def main():
    before_path, held_path, units = sys.argv[1], sys.argv[2], int(sys.argv[3])
    depth = int(sys.argv[4]) if len(sys.argv) > 4 else 6
    rows = int(sys.argv[5]) if len(sys.argv) > 5 else 60
    before, before_count = chains(before_path, depth)
    held, held_count = chains(held_path, depth)
    growth = collections.Counter({key: held[key] - before.get(key, 0) for key in held})
    print(f"grew {sum(growth.values()) / units:.0f} B per unit")
    print("B per unit | objects per unit | class < referrer.field < ...")
    for key, grown in growth.most_common(rows):
        print(f"{grown / units:10.0f} | {(held_count[key] - before_count.get(key, 0)) / units:6.2f} | {key}")


if __name__ == "__main__":
    main()
