// Reading packed tarballs (gzip'd tar, as `pnpm pack` writes them) with the system `tar`.
import { execFileSync } from 'node:child_process';

/** The file names inside a tarball, without the leading `package/`. */
export function tarballFiles(tgz: string): string[] {
  return execFileSync('tar', ['tzf', tgz], { encoding: 'utf8' })
    .split('\n')
    .filter(Boolean)
    .map((f) => f.replace(/^package\//, ''));
}

/** One file of a tarball as text. */
export function tarballFile(tgz: string, file: string): string {
  return execFileSync('tar', ['xzOf', tgz, `package/${file}`], { encoding: 'utf8' });
}
