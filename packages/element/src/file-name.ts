/** The last segment of a path, the file's name (the facade button and the kiosk frame's title show it). */
export function fileName(path: string): string {
  return path.split('/').filter(Boolean).pop() ?? '';
}
