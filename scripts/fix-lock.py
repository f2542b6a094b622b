#!/usr/bin/env python3
"""Drops optional dependencies that package-lock.json names but does not contain.

The registry this project's machines reach lacks some platform builds (msgpackr-extract's macOS and Windows
binaries); npm then writes a lock that `npm ci` rejects. Run after `npm install <pkg>`:
    python3 scripts/fix-lock.py package-lock.json
"""
import json
import sys

path = sys.argv[1] if len(sys.argv) > 1 else 'package-lock.json'
lock = json.load(open(path))
packages = lock['packages']
dropped = []
for name, meta in packages.items():
    optional = meta.get('optionalDependencies') or {}
    for dep in list(optional):
        nested = f'{name}/node_modules/{dep}' if name else f'node_modules/{dep}'
        if nested not in packages and f'node_modules/{dep}' not in packages:
            del optional[dep]
            dropped.append(f'{name or "(root)"} -> {dep}')
with open(path, 'w') as out:
    json.dump(lock, out, indent=2)
    out.write('\n')
print('\n'.join(dropped) if dropped else 'nothing to drop')
