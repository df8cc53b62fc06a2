const KIB = 1024;
const MIB = KIB * 1024;
const GIB = MIB * 1024;

/** `512 B`, `1.5 KiB`, `20.0 MiB`, `1.2 GiB`: sizes as people read them in command output. */
export function formatBytes(bytes: number): string {
  if (bytes < KIB) return `${bytes} B`;
  if (bytes < MIB) return `${(bytes / KIB).toFixed(1)} KiB`;
  if (bytes < GIB) return `${(bytes / MIB).toFixed(1)} MiB`;
  return `${(bytes / GIB).toFixed(1)} GiB`;
}
