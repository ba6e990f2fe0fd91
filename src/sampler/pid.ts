/** The pid (or tid) a /proc entry name stands for, or 0 for anything that is not all digits. */
export function pidOf(name: string): number {
  const n = name.length;
  if (n === 0 || n > 10) return 0;
  let v = 0;
  for (let i = 0; i < n; i++) {
    const c = name.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return 0;
    v = v * 10 + c;
  }
  return v;
}
