import { readFileSync } from 'node:fs';
import path from 'node:path';

interface LockedPackage {
  readonly optionalDependencies?: Record<string, string>;
}

/**
 * `npm ci` refuses a lock that lacks an optional platform binary some package asks for (on the
 * platform that needs it: "Missing: @swc/core-darwin-arm64 from lock file"), so the lock must carry
 * every one of them, not only those of the machine that wrote it.
 */
test('package-lock.json carries every optional dependency of every locked package', () => {
  const lock = JSON.parse(readFileSync(path.resolve(__dirname, '../../package-lock.json'), 'utf8')) as {
    packages: Record<string, LockedPackage>;
  };
  const missing: string[] = [];
  for (const [where, pkg] of Object.entries(lock.packages)) {
    for (const name of Object.keys(pkg.optionalDependencies ?? {})) {
      // npm resolves from the package's own node_modules up to the root's.
      const candidates: string[] = [];
      for (let dir = where; ; dir = dir.slice(0, Math.max(0, dir.lastIndexOf('/node_modules/')))) {
        candidates.push(`${dir ? `${dir}/` : ''}node_modules/${name}`);
        if (!dir) break;
      }
      if (!candidates.some((c) => c in lock.packages)) missing.push(`${name} (for ${where || 'the root'})`);
    }
  }
  expect(missing).toEqual([]);
});
